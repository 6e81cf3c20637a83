package io.swiftvr.jobs.report;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.Json;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.udf.ThroughputRow;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the report files of a run: one row per shard and per video (CSV), a JSON summary, and throughput per device
 * type (CSV and a PNG chart). The Spark side writes the same rows as Parquet ({@code jobs.spark.ParquetReport}).
 */
public final class JobReport {
  private static final Logger LOG = LoggerFactory.getLogger(JobReport.class);

  private JobReport() {}

  /** The rows a report holds, for writing them elsewhere too (Parquet). */
  public record Tables(List<ShardOutcome> shards, List<VideoOutcome> videos, List<ThroughputRow> throughput) {}

  /**
   * Writes {@code report/} for a plan: the shard rows found on disk (this run's and earlier runs'), the given
   * video rows, the summary, and the throughput table of this run plus the rows of {@code addedThroughput} (other
   * runs' tables, priced with {@code prices}).
   */
  public static Tables write(JobPlan plan, List<ShardOutcome> shards, List<VideoOutcome> videos, double wallSeconds,
      Map<String, Double> prices, List<java.nio.file.Path> addedThroughput) throws IOException {
    Storage storage = plan.storage();
    String dir = plan.location("report");
    storage.write(Location.of(dir).resolve("shards.csv").toString(), ReportTables.csv(ReportTables.SHARDS, shards));
    storage.write(Location.of(dir).resolve("videos.csv").toString(), ReportTables.csv(ReportTables.VIDEOS, videos));
    storage.write(Location.of(dir).resolve("summary.json").toString(), Json.GSON.toJson(summary(videos, wallSeconds)));
    List<ThroughputRow> throughput =
        ThroughputTable.withAdded(ThroughputTable.compute(plan, shards, prices), addedThroughput, prices);
    storage.write(Location.of(dir).resolve("throughput.csv").toString(), ThroughputRow.csv(throughput));
    String chart = Location.of(dir).resolve("throughput.png").toString();
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
  public record Summary(int videos, int restored, int reused, int failed, int pending, long frames, double wallSeconds,
      double fps) {}

  public static Summary summary(List<VideoOutcome> videos, double wallSeconds) {
    List<VideoOutcome> restored = videos.stream().filter(v -> "restored".equals(v.status())).toList();
    long frames = restored.stream().mapToLong(VideoOutcome::frames).sum();
    int reused = (int) videos.stream().filter(v -> "reused".equals(v.status())).count();
    int failed = (int) videos.stream().filter(v -> "failed".equals(v.status())).count();
    int pending = (int) videos.stream().filter(v -> "pending".equals(v.status())).count();
    return new Summary(videos.size(), restored.size(), reused, failed, pending, frames, wallSeconds,
        wallSeconds > 0 ? frames / wallSeconds : 0);
  }

  public static String oneLine(List<VideoOutcome> videos, double wallSeconds) {
    Summary s = summary(videos, wallSeconds);
    String failures = videos.stream().filter(o -> !o.ok())
        .map(o -> "\n  " + o.status().toUpperCase(Locale.ROOT) + " " + o.error()).collect(Collectors.joining());
    String reused = s.reused() > 0 ? ", " + s.reused() + " unchanged (reused)" : "";
    return String.format(Locale.ROOT, "SwiftVR: %d/%d videos restored%s, %d frames in %.1f s (%.2f fps)%s",
        s.restored(), s.videos(), reused, s.frames(), s.wallSeconds(), s.fps(), failures);
  }
}
