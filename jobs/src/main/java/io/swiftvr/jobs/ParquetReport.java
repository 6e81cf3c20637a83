package io.swiftvr.jobs;

import io.swiftvr.udf.ShardResult;
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
final class ParquetReport {
  private ParquetReport() {}

  static void write(JavaSparkContext spark, JobPlan plan, List<ShardOutcome> shards, List<VideoOutcome> videos,
      List<ThroughputRow> throughput) {
    SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
    String dir = plan.location("report");

    StructType shardSchema = new StructType()
        .add("video_key", DataTypes.StringType).add("input", DataTypes.StringType)
        .add("shard", DataTypes.IntegerType).add("shards", DataTypes.IntegerType)
        .add("status", DataTypes.StringType).add("error", DataTypes.StringType)
        .add("frames_decoded", DataTypes.IntegerType).add("frames_modelled", DataTypes.IntegerType)
        .add("frames_emitted", DataTypes.IntegerType).add("decode_s", DataTypes.DoubleType)
        .add("model_s", DataTypes.DoubleType).add("encode_s", DataTypes.DoubleType)
        .add("total_s", DataTypes.DoubleType).add("device", DataTypes.StringType)
        .add("host", DataTypes.StringType).add("executor", DataTypes.StringType);
    List<Row> shardRows = new ArrayList<>();
    for (ShardOutcome o : shards) {
      ShardResult r = o.result();
      shardRows.add(RowFactory.create(o.videoKey(), o.input(), o.shardIndex(), o.shardCount(), o.status(), o.error(),
          r == null ? null : r.framesDecoded(), r == null ? null : r.framesModelled(),
          r == null ? null : r.framesEmitted(), r == null ? null : r.decodeSeconds(),
          r == null ? null : r.modelSeconds(), r == null ? null : r.encodeSeconds(),
          r == null ? null : r.totalSeconds(), r == null ? null : r.device(), o.host(), o.executor()));
    }
    save(session.createDataFrame(shardRows, shardSchema), dir + "/shards.parquet");

    StructType videoSchema = new StructType()
        .add("input", DataTypes.StringType).add("output", DataTypes.StringType)
        .add("status", DataTypes.StringType).add("error", DataTypes.StringType)
        .add("frames", DataTypes.IntegerType).add("video_s", DataTypes.DoubleType)
        .add("in_w", DataTypes.IntegerType).add("in_h", DataTypes.IntegerType)
        .add("out_w", DataTypes.IntegerType).add("out_h", DataTypes.IntegerType)
        .add("device", DataTypes.StringType);
    List<Row> videoRows = new ArrayList<>();
    for (VideoOutcome v : videos) {
      videoRows.add(RowFactory.create(v.input(), v.output(), v.status(), v.error(), v.frames(), v.videoSeconds(),
          v.inWidth(), v.inHeight(), v.outWidth(), v.outHeight(), v.device()));
    }
    save(session.createDataFrame(videoRows, videoSchema), dir + "/videos.parquet");

    StructType throughputSchema = new StructType()
        .add("device", DataTypes.StringType).add("shards", DataTypes.IntegerType)
        .add("frames", DataTypes.LongType).add("video_s", DataTypes.DoubleType)
        .add("device_s", DataTypes.DoubleType).add("fps", DataTypes.DoubleType)
        .add("device_s_per_video_s", DataTypes.DoubleType).add("usd_per_video_hour", DataTypes.DoubleType);
    List<Row> throughputRows = new ArrayList<>();
    for (ThroughputRow t : throughput) {
      throughputRows.add(RowFactory.create(t.device(), t.shards(), t.frames(), t.videoSeconds(), t.deviceSeconds(),
          t.fps(), t.deviceSecondsPerVideoSecond(), Double.isNaN(t.usdPerVideoHour()) ? null : t.usdPerVideoHour()));
    }
    save(session.createDataFrame(throughputRows, throughputSchema), dir + "/throughput.parquet");
  }

  private static void save(org.apache.spark.sql.Dataset<Row> frame, String path) {
    frame.coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
  }
}
