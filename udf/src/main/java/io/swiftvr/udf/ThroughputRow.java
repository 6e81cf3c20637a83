package io.swiftvr.udf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row of a throughput table ({@code report/throughput.csv}): a device type's totals over restored frames. The
 * job's report computes them from its shards; {@code RestoreBenchmark} writes the same rows for its runs; and the
 * report reads rows of other runs back ({@code --add-throughput}), so that throughput per GPU type from different
 * machines lands in one table. {@code usdPerDeviceHour} and {@code usdPerVideoHour} are NaN without a price.
 */
public record ThroughputRow(String device, int shards, long frames, double videoSeconds, double deviceSeconds,
    double decodeSeconds, double modelSeconds, double encodeSeconds, double fps, double deviceSecondsPerVideoSecond,
    double usdPerDeviceHour, double usdPerVideoHour) {

  public static final String HEADER = "device,shards,frames,video_s,device_s,decode_s,model_s,encode_s,fps,"
      + "device_s_per_video_s,usd_per_device_hour,usd_per_video_hour";

  /** A row from totals: FPS and device-seconds per second of video follow from them. */
  public static ThroughputRow of(String device, int shards, long frames, double videoSeconds, double deviceSeconds,
      double decodeSeconds, double modelSeconds, double encodeSeconds, double usdPerDeviceHour) {
    double perVideoSecond = videoSeconds > 0 ? deviceSeconds / videoSeconds : Double.NaN;
    return new ThroughputRow(device, shards, frames, videoSeconds, deviceSeconds, decodeSeconds, modelSeconds,
        encodeSeconds, deviceSeconds > 0 ? frames / deviceSeconds : 0, perVideoSecond, usdPerDeviceHour,
        usdPerDeviceHour * perVideoSecond);
  }

  /** The same totals at another price per device hour (NaN: none). */
  public ThroughputRow priced(double usdPerHour) {
    return new ThroughputRow(device, shards, frames, videoSeconds, deviceSeconds, decodeSeconds, modelSeconds,
        encodeSeconds, fps, deviceSecondsPerVideoSecond, usdPerHour, usdPerHour * deviceSecondsPerVideoSecond);
  }

  /** The table as CSV, header first. */
  public static String csv(List<ThroughputRow> rows) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (ThroughputRow r : rows) {
      s.append(String.format(Locale.ROOT, "\"%s\",%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%s,%s%n",
          r.device.replace("\"", "\"\""), r.shards, r.frames, r.videoSeconds, r.deviceSeconds, r.decodeSeconds,
          r.modelSeconds, r.encodeSeconds, r.fps, r.deviceSecondsPerVideoSecond, price(r.usdPerDeviceHour),
          price(r.usdPerVideoHour)));
    }
    return s.toString();
  }

  /** Reads a table written by {@link #csv}; fails with the file and line on anything else. */
  public static List<ThroughputRow> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
      throw new IllegalArgumentException(file + " is not a throughput table (expected the header '" + HEADER + "')");
    }
    List<ThroughputRow> rows = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      try {
        String device;
        String rest;
        if (line.startsWith("\"")) {
          int close = line.indexOf("\",", 1);
          while (close > 0 && line.substring(1, close).replace("\"\"", "").contains("\"")) {
            close = line.indexOf("\",", close + 1); // a doubled quote inside the name
          }
          device = line.substring(1, close).replace("\"\"", "\"");
          rest = line.substring(close + 2);
        } else {
          device = line.substring(0, line.indexOf(','));
          rest = line.substring(line.indexOf(',') + 1);
        }
        String[] v = rest.split(",", -1);
        if (v.length != 11) {
          throw new IllegalArgumentException("expected 12 columns");
        }
        rows.add(new ThroughputRow(device, Integer.parseInt(v[0]), Long.parseLong(v[1]), Double.parseDouble(v[2]),
            Double.parseDouble(v[3]), Double.parseDouble(v[4]), Double.parseDouble(v[5]), Double.parseDouble(v[6]),
            Double.parseDouble(v[7]), Double.parseDouble(v[8]), orNaN(v[9]), orNaN(v[10])));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + " line " + (n + 1) + ": " + e.getMessage() + ": '" + line + "'", e);
      }
    }
    return rows;
  }

  private static String price(double usd) {
    return Double.isNaN(usd) ? "" : String.format(Locale.ROOT, "%.4f", usd);
  }

  private static double orNaN(String s) {
    return s.isBlank() ? Double.NaN : Double.parseDouble(s);
  }
}
