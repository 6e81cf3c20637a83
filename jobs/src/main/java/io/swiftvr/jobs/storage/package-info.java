/**
 * Where the job reads and writes: a {@link io.swiftvr.jobs.storage.Location} (a local path or an {@code s3a://} URI,
 * classified here and nowhere else) and its {@link io.swiftvr.jobs.storage.Storage} (local disk, or S3 through S3A
 * with the application's {@link io.swiftvr.jobs.storage.HadoopSettings}).
 *
 * <p>May import: Hadoop (S3A) and the udf module's file helpers. No Spark.
 */
package io.swiftvr.jobs.storage;
