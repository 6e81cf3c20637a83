package io.swiftvr.jobs;

import io.swiftvr.udf.ShardResult;
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
final class ThroughputTable {

  /** One device type's totals. {@code usdPerVideoHour} is NaN without a price for the device. */
  record Row(String device, int shards, long frames, double videoSeconds, double deviceSeconds, double decodeSeconds,
      double modelSeconds, double encodeSeconds, double fps, double deviceSecondsPerVideoSecond,
      double usdPerDeviceHour, double usdPerVideoHour) {}

  private ThroughputTable() {}

  static List<Row> compute(JobPlan plan, List<ShardOutcome> shards, Map<String, Double> prices) {
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
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : totals.entrySet()) {
      double[] t = e.getValue();
      double perVideoSecond = t[2] > 0 ? t[3] / t[2] : Double.NaN;
      double price = priceFor(e.getKey(), prices);
      rows.add(new Row(e.getKey(), (int) t[0], (long) t[1], t[2], t[3], t[4], t[5], t[6],
          t[3] > 0 ? t[1] / t[3] : 0, perVideoSecond, price, price * perVideoSecond));
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
  static Map<String, Double> readPrices(Path file) throws IOException {
    Map<String, Double> prices = new LinkedHashMap<>();
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
  static Map<String, Double> readSecondsPerVideoSecond(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || !lines.get(0).startsWith("device,")) {
      throw new IllegalArgumentException(file + " is not a throughput.csv written by the report");
    }
    List<String> header = List.of(lines.get(0).split(","));
    int column = header.indexOf("device_s_per_video_s");
    Map<String, Double> result = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int close = line.startsWith("\"") ? line.indexOf("\",", 1) : -1;
      String device = close > 0 ? line.substring(1, close).replace("\"\"", "\"") : line.substring(0, line.indexOf(','));
      String[] rest = (close > 0 ? line.substring(close + 2) : line.substring(line.indexOf(',') + 1)).split(",", -1);
      result.put(device, Double.parseDouble(rest[column - 1]));
    }
    return result;
  }

  static String csv(List<Row> rows) {
    StringBuilder s = new StringBuilder("device,shards,frames,video_s,device_s,decode_s,model_s,encode_s,fps,"
        + "device_s_per_video_s,usd_per_device_hour,usd_per_video_hour\n");
    for (Row r : rows) {
      s.append(String.format(Locale.ROOT, "\"%s\",%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%s,%s%n",
          r.device().replace("\"", "\"\""), r.shards(), r.frames(), r.videoSeconds(), r.deviceSeconds(),
          r.decodeSeconds(), r.modelSeconds(), r.encodeSeconds(), r.fps(), r.deviceSecondsPerVideoSecond(),
          Double.isNaN(r.usdPerDeviceHour()) ? "" : String.format(Locale.ROOT, "%.4f", r.usdPerDeviceHour()),
          Double.isNaN(r.usdPerVideoHour()) ? "" : String.format(Locale.ROOT, "%.4f", r.usdPerVideoHour())));
    }
    return s.toString();
  }
}
