package io.swiftvr.jobs.spark;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.BindingPathOutputCommitter;
import org.apache.parquet.hadoop.ParquetOutputCommitter;

/**
 * Lets Spark's Parquet writer commit through the output committer Hadoop binds to the destination's scheme
 * ({@code mapreduce.outputcommitter.factory.scheme.s3a}: S3A's magic or staging committers), so report tables on S3
 * appear at job commit without copy-on-rename, while local and HDFS destinations keep the classic file committer.
 *
 * <p>Spark accepts only a {@link org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter} subclass with a (path,
 * context) constructor for Parquet, and writes task files under its {@link #getWorkPath()}; Spark's own adapter for
 * this lives in its spark-hadoop-cloud module, which Maven Central does not serve for Spark 4.1.3. Set with
 * {@code spark.sql.parquet.output.committer.class} (cluster-conf/fragments/s3a.conf).
 */
public final class BindingParquetCommitter extends ParquetOutputCommitter {
  private final BindingPathOutputCommitter bound;

  public BindingParquetCommitter(Path outputPath, TaskAttemptContext context) throws IOException {
    super(outputPath, context);
    bound = new BindingPathOutputCommitter(outputPath, context);
  }

  /** The committer the destination's scheme chose (for logs and tests). */
  public String boundCommitter() {
    return bound.getCommitter().getClass().getName();
  }

  @Override
  public Path getWorkPath() throws IOException {
    return bound.getWorkPath();
  }

  @Override
  public void setupJob(JobContext context) throws IOException {
    bound.setupJob(context);
  }

  @Override
  public void setupTask(TaskAttemptContext context) throws IOException {
    bound.setupTask(context);
  }

  @Override
  public boolean needsTaskCommit(TaskAttemptContext context) throws IOException {
    return bound.needsTaskCommit(context);
  }

  @Override
  public void commitTask(TaskAttemptContext context) throws IOException {
    bound.commitTask(context);
  }

  @Override
  public void abortTask(TaskAttemptContext context) throws IOException {
    bound.abortTask(context);
  }

  /** Commits through the bound committer only: ParquetOutputCommitter's summary files are deprecated and off. */
  @Override
  public void commitJob(JobContext context) throws IOException {
    bound.commitJob(context);
  }

  @Override
  public void abortJob(JobContext context, JobStatus.State state) throws IOException {
    bound.abortJob(context, state);
  }

  @Override
  @SuppressWarnings("deprecation")
  public void cleanupJob(JobContext context) throws IOException {
    bound.cleanupJob(context);
  }

  @Override
  public boolean isRecoverySupported(JobContext context) throws IOException {
    return bound.isRecoverySupported(context);
  }

  @Override
  public boolean isCommitJobRepeatable(JobContext context) throws IOException {
    return bound.isCommitJobRepeatable(context);
  }

  @Override
  public void recoverTask(TaskAttemptContext context) throws IOException {
    bound.recoverTask(context);
  }
}
