/**
 * Spark: starting it ({@link io.swiftvr.jobs.spark.SparkSessions}), the restore stage as one task per shard
 * ({@link io.swiftvr.jobs.spark.ShardStage}, described to the plain-Java runner by
 * {@link io.swiftvr.jobs.spark.SparkTaskEnvironment}), the model preload on executors, the progress display, the
 * whole job ({@link io.swiftvr.jobs.spark.RestoreJob}) and the Parquet report.
 *
 * <p>May import: restore, merge, report, state, plan, storage; Spark and Hadoop. The only package that imports Spark.
 */
package io.swiftvr.jobs.spark;
