package io.swiftvr.jobs.spark;

import ai.djl.Device;
import io.swiftvr.jobs.restore.Devices;
import io.swiftvr.jobs.storage.RemoteBundles;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.ModelCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the job's model on every executor as soon as the executor starts, on each GPU Spark gave it (or the CPU),
 * while the driver is still probing and planning. Without it each executor's first shard also pays for the engine,
 * the CUDA context and the model load: 4.3–5.9 s against a median shard of 1.5–1.8 s in the multi-GPU runs
 * (docs/benchmarks-multi-gpu.md), paid by every executor at the start of the stage. Tasks then find the model in
 * {@link ModelCache}; if a task asks while the load is still running, it waits for it instead of loading twice. The
 * bundle's checksums are verified while the module loads, not before (for an official-size module each takes about
 * 8 s), and the model is handed to tasks only once they match.
 *
 * <p>{@link RestoreJob} turns it on for the commands that restore (appending it to {@code spark.plugins}). A failed
 * preload only logs a warning: the first task loads the model itself and reports the error with its shard.
 */
public final class ModelPreloadPlugin implements SparkPlugin {
  static final String MODEL = "spark.swiftvr.preload.model";
  static final String BUNDLE_CACHE = "spark.swiftvr.preload.bundleCache";
  static final String DEVICE = "spark.swiftvr.preload.device";
  private static final Logger LOG = LoggerFactory.getLogger(ModelPreloadPlugin.class);

  /** Adds the plugin and what it loads to a Spark configuration that has not started yet. */
  public static SparkConf configure(SparkConf conf, String model, Path bundleCache, String device) {
    String plugins = conf.get("spark.plugins", "");
    String self = ModelPreloadPlugin.class.getName();
    if (!List.of(plugins.split(",")).contains(self)) {
      conf.set("spark.plugins", plugins.isBlank() ? self : plugins + "," + self);
    }
    return conf.set(MODEL, model).set(BUNDLE_CACHE, bundleCache.toString()).set(DEVICE, device);
  }

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext context, Map<String, String> extraConf) {
        SparkConf conf = context.conf();
        if (!conf.contains(MODEL)) {
          return;
        }
        String preference = conf.get(DEVICE, "auto");
        ResourceInformation gpus = context.resources().get("gpu");
        SparkSessions.useHadoopSettings(conf); // a bundle on S3 is fetched with the application's settings
        Thread loader = new Thread(() -> preload(conf.get(MODEL), Path.of(conf.get(BUNDLE_CACHE)),
            devices(preference, gpus)), "swiftvr-model-preload");
        loader.setDaemon(true);
        loader.start(); // init must return quickly: the executor registers with the driver after it
      }
    };
  }

  /**
   * The devices tasks of this executor will ask for: its GPUs, or without a Spark GPU what a task would choose (which
   * may start the engine, so it runs on the loader thread).
   */
  static List<Device> devices(String preference, ResourceInformation gpus) {
    List<Device> devices = new ArrayList<>();
    if (!"cpu".equals(preference)) {
      SparkTaskEnvironment.addresses(gpus).forEach(ordinal -> devices.add(Device.gpu(ordinal)));
    }
    if (devices.isEmpty() && !"gpu".equals(preference)) {
      devices.add(Devices.choose(preference, List.of())); // no Spark GPU: what a task would choose
    }
    return devices;
  }

  private static void preload(String model, Path cache, List<Device> devices) {
    ModelBundle unverified;
    CompletableFuture<ModelBundle> verification;
    try {
      unverified = ModelBundle.openUnverified(RemoteBundles.localize(model, cache), cache); // fetched once
      // The module files are hashed on another thread while this one loads them; the model is used only once the
      // checksums match (ModelCache.loadWhileVerifying). Tasks opening the bundle meanwhile wait for the same hash.
      verification = unverified.verifyAsync(ModelPreloadPlugin::daemonThread);
    } catch (Exception e) {
      LOG.warn("Could not preload model {}; the first task loads it: {}", model, e.toString());
      return;
    }
    for (Device device : devices) {
      long start = System.nanoTime();
      try {
        ModelCache.loadWhileVerifying(unverified, verification, device);
        LOG.info("Preloaded model {} on {} in {} s (checksums verified)", unverified.manifest().name(), device,
            String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
      } catch (Exception | LinkageError e) {
        LOG.warn("Could not preload model {} on {}; the first task loads it: {}", model, device, e.toString());
      }
    }
  }

  private static void daemonThread(Runnable work) {
    Thread t = new Thread(work, "swiftvr-bundle-verify");
    t.setDaemon(true);
    t.start();
  }
}
