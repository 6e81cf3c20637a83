package io.swiftvr.jobs.plan;

import com.google.gson.JsonParseException;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.planner.ChunkGrid;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * The plan of a run, written as {@code plan.json} in the output folder: every parameter that shapes the pixels, the
 * planned videos with their shards, the inputs that were rejected, and what the input folders held besides videos
 * ({@code skipped}: "skipped 2 files that are not videos: 1 .m4a, 1 .txt", or empty). The stage commands (restore, merge, report)
 * read it back, so each stage can run, fail and rerun on its own.
 *
 * <p>Layout of an output folder: {@code <name>.swiftvr.mp4|mkv} (published videos), {@code plan.json},
 * {@code report/}, and {@code .swiftvr/} with {@code staging/<video>/} (segments), {@code outcomes/<video>/} (one
 * JSON row per finished or failed shard), {@code published/<video>.json} (resume markers) and {@code bundles/}.
 */
public record JobPlan(
    String outputDir,
    String modelDir,
    String modelName,
    String modelFingerprint,
    ChunkGrid chunkGrid,
    int warmupChunks,
    EncoderSettings encoder,
    String device,
    String createdUtc,
    List<VideoPlan> videos,
    List<RejectedInput> rejected,
    String skipped) implements Serializable {

  public static final String FILE = "plan.json";

  /** The output's storage: local disk or S3. */
  public Storage storage() {
    return Location.of(outputDir).storage();
  }

  /** A location below the output folder. */
  public String location(String relative) {
    return Location.of(outputDir).resolve(relative).toString();
  }

  public String stagingDir(VideoPlan video) {
    return location(".swiftvr/staging/" + video.key());
  }

  public String outcomesDir(VideoPlan video) {
    return location(".swiftvr/outcomes/" + video.key());
  }

  public String publishedDir() {
    return location(".swiftvr/published");
  }

  /** Local folder for copies of remote files (bundles, videos, segments): beside a local output, else in tmpdir. */
  public Path localCache(String kind) {
    return localCache(outputDir, kind);
  }

  /** {@link #localCache(String)} for an output folder, before there is a plan. */
  public static Path localCache(String outputDir, String kind) {
    return Location.of(outputDir).isRemote()
        ? Path.of(System.getProperty("java.io.tmpdir"), "swiftvr-cache", kind)
        : Path.of(outputDir, ".swiftvr", kind);
  }

  public long totalFrames() {
    return videos.stream().mapToLong(v -> v.probe().frameCount()).sum();
  }

  public void write() throws IOException {
    storage().write(location(FILE), Json.GSON.toJson(this));
  }

  public static JobPlan read(String outputDir) throws IOException {
    Storage storage = Location.of(outputDir).storage();
    String file = Location.of(outputDir).resolve(FILE).toString();
    if (!storage.exists(file)) {
      throw new IOException("No " + FILE + " in " + outputDir + ": run 'plan' (or 'run') with --output " + outputDir
          + " first");
    }
    try {
      return Json.GSON.fromJson(storage.read(file), JobPlan.class);
    } catch (JsonParseException e) {
      throw new IOException("Unreadable " + file + ": " + e.getMessage(), e);
    }
  }
}
