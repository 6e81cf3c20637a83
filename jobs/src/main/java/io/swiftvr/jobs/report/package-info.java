/**
 * The report files: shard and video rows as CSV from one column list per table
 * ({@link io.swiftvr.jobs.report.ReportTables}, which the Parquet writer in {@code spark} shares), the summary, the
 * throughput table per device type and its chart.
 *
 * <p>May import: state, plan, storage, and the udf module. No Spark.
 */
package io.swiftvr.jobs.report;
