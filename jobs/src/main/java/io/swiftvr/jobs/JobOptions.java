package io.swiftvr.jobs;

import io.swiftvr.udf.video.EncoderSettings;
import io.swiftvr.udf.video.OutputSize;
import java.io.Serializable;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's options, parsed and checked on the driver before any work starts. Unknown options are rejected with the
 * list of known ones. Precedence: command line, then the defaults below (the embedded local default: the bundled
 * sample clip and model, output under {@code out/}).
 */
public record JobOptions(
    List<String> inputs,
    String outputDir,
    String model,
    OutputSize size,
    EncoderSettings encoder,
    int chunksPerShard,
    Integer spread,
    Integer warmupChunks,
    String device,
    Path prices,
    Path estimateFrom,
    List<Path> addThroughput,
    boolean retryFailed) implements Serializable {

  public static final String DEFAULT_INPUT = "samples/realshort.mp4";
  public static final String DEFAULT_MODEL = "models/swiftvr-small";
  private static final Set<String> KNOWN = Set.of(
      "input", "output", "model", "size", "codec", "crf", "preset", "chunks-per-shard", "spread", "warmup-chunks", "device", "prices", "estimate-from",
      "add-throughput", "retry-failed");
  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("retry-failed");

  public static String usage() {
    return String.join("\n",
        "Options (all optional; defaults restore the bundled sample with the bundled model):",
        "  --input PATH        a video file, a folder of videos, or @FILE listing them; repeatable (default "
            + DEFAULT_INPUT + ")",
        "  --output DIR        where restored videos, segments and reports go, local or s3a:// (default out)",
        "  --model PATH        model bundle folder or .tar.gz/.zip archive, local or s3a:// (default " + DEFAULT_MODEL
            + ")",
        "  --size S            x2, x4 (scale) or WxH such as 3840x2160, aspect kept (default: the model's scale)",
        "  --codec C           " + String.join(", ", EncoderSettings.CODECS) + " (default libx264)",
        "  --crf N             encoder quality, 0..51, lower is better (default 18)",
        "  --preset P          encoder preset (default medium)",
        "  --chunks-per-shard N  chunks of ~24 frames per Spark task (default 40)",
        "  --spread N          cut every video into N shards of equal length (e.g. the GPU count), not by size",
        "  --warmup-chunks N   chunks run before each shard and discarded (default: the model's measured exact value)",
        "  --device D          auto, cpu or gpu (default auto: the GPU Spark assigned, else CPU)",
        "  --prices FILE       CSV 'device,usd_per_hour' (device matched by name, e.g. H100) for cost per hour of video",
        "  --estimate-from F   with plan: an earlier run's report/throughput.csv, to estimate device-hours per device",
        "  --add-throughput F  with run or report: rows of another run's report/throughput.csv or of a RestoreBenchmark",
        "                      table join this report's throughput table and chart (repeatable)",
        "  --retry-failed      with run or restore: run again the shards that failed for good in an earlier run",
        "                      (a failure that would fail again, such as a broken file, is not retried otherwise)");
  }

  public static JobOptions parse(List<String> args) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "'\n" + usage());
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (FLAGS.contains(key)) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("Option --" + key + " needs a value");
        }
        value = args.get(++i);
      }
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("Unknown option --" + key + "\n" + usage());
      }
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    EncoderSettings defaults = EncoderSettings.defaults();
    String device = single(values, "device", "auto");
    if (!List.of("auto", "cpu", "gpu").contains(device)) {
      throw new IllegalArgumentException("--device must be auto, cpu or gpu, got " + device);
    }
    int chunksPerShard = wholeNumber("chunks-per-shard", single(values, "chunks-per-shard", "40"));
    if (chunksPerShard < 1) {
      throw new IllegalArgumentException("--chunks-per-shard must be at least 1, got " + chunksPerShard);
    }
    String spreadText = single(values, "spread", null);
    Integer spread = spreadText == null ? null : wholeNumber("spread", spreadText);
    if (spread != null && spread < 1) {
      throw new IllegalArgumentException("--spread must be at least 1, got " + spread);
    }
    if (spread != null && values.containsKey("chunks-per-shard")) {
      throw new IllegalArgumentException("--spread and --chunks-per-shard both size the shards: give one of them");
    }
    String warmup = single(values, "warmup-chunks", null);
    Integer warmupChunks = warmup == null ? null : wholeNumber("warmup-chunks", warmup);
    if (warmupChunks != null && warmupChunks < 0) {
      throw new IllegalArgumentException("--warmup-chunks cannot be negative, got " + warmupChunks);
    }
    String size = single(values, "size", null);
    return new JobOptions(
        values.getOrDefault("input", List.of(DEFAULT_INPUT)).stream()
            .map(i -> i.startsWith("@") ? "@" + LocalPaths.of(i.substring(1)) : inputLocation(i)).toList(),
        LocalPaths.normalize(single(values, "output", "out")),
        modelLocation(single(values, "model", DEFAULT_MODEL)),
        size == null ? null : OutputSize.parse(size),
        new EncoderSettings(
            single(values, "codec", defaults.codec()),
            wholeNumber("crf", single(values, "crf", Integer.toString(defaults.crf()))),
            single(values, "preset", defaults.preset())),
        chunksPerShard,
        spread,
        warmupChunks,
        device,
        values.containsKey("prices") ? LocalPaths.of(single(values, "prices", null)) : null,
        values.containsKey("estimate-from") ? LocalPaths.of(single(values, "estimate-from", null)) : null,
        values.getOrDefault("add-throughput", List.of()).stream().map(LocalPaths::of).toList(),
        values.containsKey("retry-failed"));
  }

  /** The price table, empty without {@code --prices}. */
  public Map<String, Double> priceTable() throws IOException {
    return prices == null ? Map.of() : ThroughputTable.readPrices(prices);
  }

  /** Model bundles may also live on S3 ({@code s3a://}); other locations must be local. */
  private static String modelLocation(String location) {
    return LocalPaths.normalize(location);
  }

  /** Inputs keep relative paths as given (they name the files in reports); S3 URIs stay URIs. */
  private static String inputLocation(String location) {
    return Storage.isRemote(location) ? location : LocalPaths.of(location).toString();
  }

  /**
   * The value of a numeric option. Integer.parseInt's own message ({@code For input string: "abc"}) names neither
   * the option nor what it wanted.
   */
  private static int wholeNumber(String key, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + ": expected a whole number, got '" + text + "'");
    }
  }

  private static String single(Map<String, List<String>> values, String key, String fallback) {
    List<String> v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.size() > 1) {
      throw new IllegalArgumentException("Option --" + key + " given " + v.size() + " times");
    }
    return v.get(0);
  }
}
