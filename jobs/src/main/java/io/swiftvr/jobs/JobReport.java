package io.swiftvr.jobs;

import io.swiftvr.udf.ThroughputRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the report files of a run: one row per shard and per video (CSV), a JSON summary, and throughput per device
 * type (CSV and a PNG chart). {@link ParquetReport} writes the same rows as Parquet where Spark is at hand.
 */
final class JobReport {
  private static final Logger LOG = LoggerFactory.getLogger(JobReport.class);

  private JobReport() {}

  /** The rows a report holds, for writing them elsewhere too (Parquet). */
  record Tables(List<ShardOutcome> shards, List<VideoOutcome> videos, List<ThroughputRow> throughput) {}

  /**
   * Writes {@code report/} for a plan: every shard row found on disk (this run's and earlier runs'), the given
   * video rows, the summary, and the throughput table of this run plus the rows of {@code addedThroughput} (other
   * runs' tables, priced with {@code prices}).
   */
  static Tables write(JobPlan plan, List<VideoOutcome> videos, double wallSeconds, Map<String, Double> prices,
      List<java.nio.file.Path> addedThroughput) throws IOException {
    List<ShardOutcome> shards = new ArrayList<>();
    for (VideoPlan video : plan.videos()) {
      shards.addAll(MergeStage.shardOutcomes(plan, video));
    }
    Storage storage = plan.storage();
    String dir = plan.location("report");
    StringBuilder s = new StringBuilder(
        "video_key,input,shard,shards,status,error,frames_decoded,frames_modelled,frames_emitted,"
            + "decode_s,model_s,encode_s,total_s,device,host,executor,segment\n");
    for (ShardOutcome o : shards) {
      var r = o.result();
      s.append(String.join(",", csv(o.videoKey()), csv(o.input()), String.valueOf(o.shardIndex()),
          String.valueOf(o.shardCount()), o.status(), csv(o.error()),
          r == null ? "" : String.valueOf(r.framesDecoded()), r == null ? "" : String.valueOf(r.framesModelled()),
          r == null ? "" : String.valueOf(r.framesEmitted()), r == null ? "" : num(r.decodeSeconds()),
          r == null ? "" : num(r.modelSeconds()), r == null ? "" : num(r.encodeSeconds()),
          r == null ? "" : num(r.totalSeconds()), r == null ? "" : csv(r.device()), csv(o.host()),
          csv(o.executor()), csv(o.segment()))).append('\n');
    }
    storage.write(Storage.resolve(dir, "shards.csv"), s.toString());

    StringBuilder v = new StringBuilder(
        "input,output,status,error,frames,video_s,in_w,in_h,out_w,out_h,decode_s,model_s,encode_s,merge_s,device\n");
    for (VideoOutcome o : videos) {
      v.append(String.join(",", csv(o.input()), csv(o.output()), o.status(), csv(o.error()),
          String.valueOf(o.frames()), num(o.videoSeconds()), String.valueOf(o.inWidth()),
          String.valueOf(o.inHeight()), String.valueOf(o.outWidth()), String.valueOf(o.outHeight()),
          num(o.decodeSeconds()), num(o.modelSeconds()), num(o.encodeSeconds()), num(o.mergeSeconds()),
          csv(o.device()))).append('\n');
    }
    storage.write(Storage.resolve(dir, "videos.csv"), v.toString());
    storage.write(Storage.resolve(dir, "summary.json"), ReportFiles.GSON.toJson(summary(videos, wallSeconds)));
    List<ThroughputRow> throughput =
        ThroughputTable.withAdded(ThroughputTable.compute(plan, shards, prices), addedThroughput, prices);
    storage.write(Storage.resolve(dir, "throughput.csv"), ThroughputRow.csv(throughput));
    String chart = Storage.resolve(dir, "throughput.png");
    java.nio.file.Path scratch = storage.scratch(chart);
    try {
      ThroughputChart.write(throughput, scratch);
      storage.publish(scratch, chart);
    } catch (IOException | RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vmError) {
        throw vmError;
      }
      // The chart is a convenience: a headless host without fonts or libfreetype ("Probable fatal error: No fonts
      // found", UnsatisfiedLinkError) must not fail the report.
      LOG.warn("No {}: {}", chart, e.toString());
    } finally {
      java.nio.file.Files.deleteIfExists(scratch);
    }
    return new Tables(shards, videos, throughput);
  }

  /** Frames and FPS count the videos restored in this run; reused ones cost nothing. */
  record Summary(int videos, int restored, int reused, int failed, int pending, long frames, double wallSeconds,
      double fps) {}

  static Summary summary(List<VideoOutcome> videos, double wallSeconds) {
    List<VideoOutcome> restored = videos.stream().filter(v -> "restored".equals(v.status())).toList();
    long frames = restored.stream().mapToLong(VideoOutcome::frames).sum();
    int reused = (int) videos.stream().filter(v -> "reused".equals(v.status())).count();
    int failed = (int) videos.stream().filter(v -> "failed".equals(v.status())).count();
    int pending = (int) videos.stream().filter(v -> "pending".equals(v.status())).count();
    return new Summary(videos.size(), restored.size(), reused, failed, pending, frames, wallSeconds,
        wallSeconds > 0 ? frames / wallSeconds : 0);
  }

  static String oneLine(List<VideoOutcome> videos, double wallSeconds) {
    Summary s = summary(videos, wallSeconds);
    String failures = videos.stream().filter(o -> !o.ok())
        .map(o -> "\n  " + o.status().toUpperCase(Locale.ROOT) + " " + o.error()).collect(Collectors.joining());
    String reused = s.reused() > 0 ? ", " + s.reused() + " unchanged (reused)" : "";
    return String.format(Locale.ROOT, "SwiftVR: %d/%d videos restored%s, %d frames in %.1f s (%.2f fps)%s",
        s.restored(), s.videos(), reused, s.frames(), s.wallSeconds(), s.fps(), failures);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
