package io.swiftvr.jobs.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.storage.RemoteBundles;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FfmpegBuild;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.DeviceNames;
import io.swiftvr.udf.model.RestorerModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code swiftvr doctor}: what this JVM would run with — Java, the DJL engine and libtorch, the GPUs it sees, cache
 * folders and whether they are writable, FFmpeg and which encoders/decoders it has, and whether the model bundle
 * verifies and loads. Prints everything and returns 0 only when the bundle loads and the chosen encoder works here.
 */
public final class Doctor {
  private Doctor() {}

  static int run(JobOptions options, PrintStream out) {
    boolean ok = true;
    out.printf(Locale.ROOT, "Java        %s (%s), %d cores, max heap %d MiB%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try {
      Engine engine = Engine.getInstance();
      out.printf(Locale.ROOT, "Engine      %s %s, %d GPU(s)%n", engine.getEngineName(), engine.getVersion(),
          engine.getGpuCount());
      for (int i = 0; i < engine.getGpuCount(); i++) {
        out.printf(Locale.ROOT, "GPU %d       %s%n", i, DeviceNames.describe(Device.gpu(i)));
      }
      out.println("CPU         " + DeviceNames.describe(Device.cpu()));
    } catch (RuntimeException | LinkageError e) {
      out.println("Engine      FAILED: " + e);
      ok = false;
    }
    for (String[] cache : List.of(new String[] {"DJL cache", System.getenv("DJL_CACHE_DIR")},
        new String[] {"JavaCPP", System.getProperty("org.bytedeco.javacpp.cachedir")},
        new String[] {"tmpdir", System.getProperty("java.io.tmpdir")})) {
      if (cache[1] != null) {
        Path p = Path.of(cache[1]);
        out.printf(Locale.ROOT, "%-11s %s (%s)%n", cache[0], p,
            Files.isDirectory(p) ? (Files.isWritable(p) ? "writable" : "NOT writable") : "will be created");
      }
    }
    out.println("FFmpeg      " + FfmpegBuild.version());
    // Being compiled in says nothing about this machine (NVENC needs an NVIDIA GPU and driver): each encoder is
    // asked to open and encode one small frame, with the chosen settings for the chosen codec.
    String chosen = null; // why the chosen settings do not work here; EncoderSettings.CODECS holds the chosen codec
    for (String codec : EncoderSettings.CODECS) {
      EncoderSettings settings = codec.equals(options.encoder().codec()) ? options.encoder()
          : new EncoderSettings(codec, options.encoder().crf(), EncoderSettings.defaults().preset());
      String why = SegmentEncoder.whyNotUsable(settings);
      out.printf(Locale.ROOT, "  encoder %-11s %s%n", codec,
          why == null ? "usable (" + settings + ")" : "not usable here: " + why);
      if (settings.equals(options.encoder())) {
        chosen = why;
      }
    }
    for (String codec : List.of("h264_cuvid", "hevc_cuvid")) {
      boolean has = FfmpegBuild.hasDecoder(codec);
      out.printf(Locale.ROOT, "  decoder %-11s %s%n", codec, has ? "compiled in (needs the NVIDIA driver)" : "missing");
    }
    if (chosen != null) {
      out.println("Encoder     the chosen encoder " + options.encoder() + " does not work here: " + chosen);
      ok = false;
    }
    try {
      Path cache = JobPlan.localCache(options.outputDir(), "bundles");
      ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(options.model(), cache), cache);
      out.printf(Locale.ROOT, "Model       %s (%s): checksums verified, %s%n", bundle.manifest().name(),
          bundle.fingerprint(), bundle.manifest().description());
      try (RestorerModel model = RestorerModel.load(bundle, Device.cpu())) {
        out.printf(Locale.ROOT, "            loads on %s in %s%n", model.device(), model.precision());
      }
    } catch (Exception e) {
      out.println("Model       FAILED: " + e.getMessage());
      ok = false;
    }
    out.println(ok ? "OK" : "PROBLEMS FOUND");
    return ok ? 0 : 1;
  }
}
