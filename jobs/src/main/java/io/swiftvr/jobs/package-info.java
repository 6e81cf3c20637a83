/**
 * The Spark job and its command line. {@code Main} parses and dispatches (under {@code OutputLock}, with
 * {@code CleanStop}); {@code RestoreJob} runs plan ({@code JobPlanner}, {@code InputLister}, {@code InputIdentity}),
 * restore ({@code ShardStage}, one task per shard through {@code ShardTaskRunner}), merge ({@code MergeStage},
 * {@code SegmentMerger}) and report ({@code JobReport}, {@code ParquetReport}, {@code ReportTables}); storage is
 * {@code Storage} (local disk, or S3 through {@code HadoopStorage}).
 *
 * <p>May import: every other module's packages, Spark and Hadoop (provided). The only package that imports Spark.
 */
package io.swiftvr.jobs;
