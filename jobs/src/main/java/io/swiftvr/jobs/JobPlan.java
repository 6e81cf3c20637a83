package io.swiftvr.jobs;

import com.google.gson.JsonParseException;
import io.swiftvr.udf.video.EncoderSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The plan of a run, written as {@code plan.json} in the output folder: every parameter that shapes the pixels, the
 * planned videos with their shards, and the inputs that were rejected. The stage commands (restore, merge, report)
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
    EncoderSettings encoder,
    String device,
    String createdUtc,
    List<VideoPlan> videos,
    List<VideoOutcome> rejected) implements Serializable {

  public static final String FILE = "plan.json";

  public Path output() {
    return Path.of(outputDir);
  }

  public Path stagingDir(VideoPlan video) {
    return output().resolve(".swiftvr/staging").resolve(video.key());
  }

  public Path outcomesDir(VideoPlan video) {
    return output().resolve(".swiftvr/outcomes").resolve(video.key());
  }

  public Path publishedDir() {
    return output().resolve(".swiftvr/published");
  }

  public long totalFrames() {
    return videos.stream().mapToLong(v -> v.probe().frameCount()).sum();
  }

  void write() throws IOException {
    ReportFiles.writeAtomically(output().resolve(FILE), ReportFiles.GSON.toJson(this));
  }

  static JobPlan read(Path outputDir) throws IOException {
    Path file = outputDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("No " + FILE + " in " + outputDir + ": run 'plan' (or 'run') with --output " + outputDir
          + " first");
    }
    try {
      return ReportFiles.GSON.fromJson(Files.readString(file), JobPlan.class);
    } catch (JsonParseException e) {
      throw new IOException("Unreadable " + file + ": " + e.getMessage(), e);
    }
  }
}
