package io.swiftvr.jobs.report;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.ThroughputRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput per device type, from shard rows: frames per second of device time, device-seconds per second of
 * video, and, given a price table, the cost of restoring one hour of video.
 */
public final class ThroughputTable {

  private ThroughputTable() {}

  public static List<ThroughputRow> compute(JobPlan plan, List<ShardOutcome> shards, Map<String, Double> prices) {
    Map<String, Double> frameSeconds = new LinkedHashMap<>();
    for (VideoPlan video : plan.videos()) {
      frameSeconds.put(video.key(), video.probe().durationSeconds() / video.probe().frameCount());
    }
    Map<String, double[]> totals = new LinkedHashMap<>();
    for (ShardOutcome shard : shards) {
      ShardResult r = shard.result();
      if (r == null || shard.failed()) {
        continue;
      }
      double[] t = totals.computeIfAbsent(r.device(), d -> new double[7]);
      t[0] += 1;
      t[1] += r.framesEmitted();
      t[2] += r.framesEmitted() * frameSeconds.getOrDefault(shard.videoKey(), 0.0);
      t[3] += r.totalSeconds();
      t[4] += r.decodeSeconds();
      t[5] += r.modelSeconds();
      t[6] += r.encodeSeconds();
    }
    List<ThroughputRow> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : totals.entrySet()) {
      double[] t = e.getValue();
      rows.add(ThroughputRow.of(e.getKey(), (int) t[0], (long) t[1], t[2], t[3], t[4], t[5], t[6],
          priceFor(e.getKey(), prices)));
    }
    return rows;
  }

  /**
   * Rows of other runs' tables (another machine's report, a {@code RestoreBenchmark} run), priced with this report's
   * price table, after this run's own rows.
   */
  public static List<ThroughputRow> withAdded(List<ThroughputRow> own, List<Path> others, Map<String, Double> prices)
      throws IOException {
    List<ThroughputRow> rows = new ArrayList<>(own);
    for (Path other : others) {
      for (ThroughputRow r : ThroughputRow.read(other)) {
        double price = priceFor(r.device(), prices);
        rows.add(Double.isNaN(price) ? r : r.priced(price));
      }
    }
    return rows;
  }

  /** The price of the first table entry whose name occurs in the device name ("H100" matches "NVIDIA H100 …"). */
  private static double priceFor(String device, Map<String, Double> prices) {
    for (Map.Entry<String, Double> p : prices.entrySet()) {
      if (device.toLowerCase(Locale.ROOT).contains(p.getKey().toLowerCase(Locale.ROOT))) {
        return p.getValue();
      }
    }
    return Double.NaN;
  }

  /** Reads a price table: CSV lines {@code device,usd_per_hour}; '#' starts a comment. */
  public static Map<String, Double> readPrices(Path file) throws IOException {
    Map<String, Double> prices = new LinkedHashMap<>();
    if (file == null) {
      return prices; // no --prices: no cost columns
    }
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.toLowerCase(Locale.ROOT).startsWith("device,")) {
        continue;
      }
      String[] parts = l.split(",");
      if (parts.length != 2) {
        throw new IllegalArgumentException(file + " line " + n + ": expected 'device,usd_per_hour', got '" + l + "'");
      }
      try {
        prices.put(parts[0].strip(), Double.parseDouble(parts[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " line " + n + ": price '" + parts[1].strip() + "' is not a number");
      }
    }
    return prices;
  }

  /** Device type → busy device-seconds per second of video, read back from a report's throughput.csv. */
  public static Map<String, Double> readSecondsPerVideoSecond(Path file) throws IOException {
    Map<String, Double> result = new LinkedHashMap<>();
    for (ThroughputRow r : ThroughputRow.read(file)) {
      result.put(r.device(), r.deviceSecondsPerVideoSecond());
    }
    return result;
  }
}
