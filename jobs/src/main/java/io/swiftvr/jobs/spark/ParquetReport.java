package io.swiftvr.jobs.spark;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.report.ReportTables;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.udf.ThroughputRow;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The shard, video and throughput rows as Parquet tables under {@code report/}, for notebooks and SQL engines. */
public final class ParquetReport {
  private ParquetReport() {}

  public static void write(JavaSparkContext spark, JobPlan plan, List<ShardOutcome> shards, List<VideoOutcome> videos,
      List<ThroughputRow> throughput) {
    SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
    String dir = plan.location("report");

    save(session, ReportTables.SHARDS, shards, dir + "/shards.parquet");
    save(session, ReportTables.VIDEOS, videos, dir + "/videos.parquet");
    save(session, ReportTables.THROUGHPUT, throughput, dir + "/throughput.parquet");
  }

  private static <R> void save(SparkSession session, List<ReportTables.Column<R>> columns, List<R> rows,
      String path) {
    StructType schema = new StructType();
    for (ReportTables.Column<R> c : columns) {
      schema = schema.add(c.name(), switch (c.kind()) {
        case TEXT -> DataTypes.StringType;
        case INT -> DataTypes.IntegerType;
        case LONG -> DataTypes.LongType;
        case DOUBLE -> DataTypes.DoubleType;
        case BOOLEAN -> DataTypes.BooleanType;
      });
    }
    List<Row> data = new ArrayList<>();
    for (R row : rows) {
      data.add(RowFactory.create(columns.stream().map(c -> c.value().apply(row)).toArray()));
    }
    save(session.createDataFrame(data, schema), path);
  }

  private static void save(org.apache.spark.sql.Dataset<Row> frame, String path) {
    frame.coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
  }
}
