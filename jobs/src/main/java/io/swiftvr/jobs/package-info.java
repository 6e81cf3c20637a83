/**
 * The Spark job, in packages by role whose imports run one way:
 * {@code cli} → {@code spark} → {@code restore}, {@code merge}, {@code report} → {@code state} → {@code plan} →
 * {@code storage}. Only {@code spark} imports Spark; everything below it is plain Java (Hadoop only in
 * {@code storage}, for S3A), so the publish protocol of a shard ({@code restore.ShardTaskRunner}) runs and is tested
 * without Spark.
 */
package io.swiftvr.jobs;
