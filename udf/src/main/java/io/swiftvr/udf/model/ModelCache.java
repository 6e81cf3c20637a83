package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per JVM, bundle and device: Spark tasks on an executor reuse it instead of loading the weights
 * for every task. Models live until the JVM exits (executors are long-lived; the model is their main tenant).
 */
public final class ModelCache {
  private static final ConcurrentHashMap<String, RestorerModel> MODELS = new ConcurrentHashMap<>();

  private ModelCache() {}

  /**
   * Loads a bundle's model on a device while its checksums are being verified, and caches it only once they match.
   * {@code verification} is {@link ModelBundle#verifyAsync} of {@code unverified} (from
   * {@link ModelBundle#openUnverified}); on a mismatch the loaded model is closed and the verification's error thrown
   * (nothing is cached, so a task opening the bundle gets the same error). For the executor's preload: an official-size module takes
   * about as long to hash (8 s) as to load (7.5 s) on an H200 host, and one after the other they delayed every
   * executor's first task (docs/benchmarks-multi-gpu.md).
   */
  public static RestorerModel loadWhileVerifying(ModelBundle unverified, CompletableFuture<ModelBundle> verification,
      Device device) throws IOException, MalformedModelException, InvalidBundleException {
    String key = key(unverified, device);
    synchronized (ModelCache.class) {
      RestorerModel cached = MODELS.get(key);
      if (cached != null) {
        return cached;
      }
      RestorerModel model;
      try {
        model = RestorerModel.load(unverified, device);
      } catch (Exception | LinkageError loadError) {
        // a module that fails to load may be one whose checksum does not match: that is the error to report
        try {
          ModelBundle.await(verification);
        } catch (InvalidBundleException invalid) {
          invalid.addSuppressed(loadError);
          throw invalid;
        }
        throw loadError;
      }
      try {
        ModelBundle.await(verification);
      } catch (InvalidBundleException | RuntimeException | Error e) {
        closeQuietly(model, e);
        throw e;
      }
      MODELS.put(key, model);
      return model;
    }
  }

  private static void closeQuietly(RestorerModel model, Throwable cause) {
    try {
      model.close();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Frees every loaded model, for a JVM that is shutting down: only once no chunk is inside a model
   * ({@code StopSignal.stopAndAwaitIdle}), since a model freed under a running call takes the JVM down with it.
   */
  public static synchronized void closeAll() {
    MODELS.values().forEach(RestorerModel::close);
    MODELS.clear();
  }

  /** Whether the bundle's model is loaded on the device in this JVM (for checks of executor preloading). */
  public static boolean isLoaded(ModelBundle bundle, Device device) {
    return MODELS.containsKey(key(bundle, device));
  }

  private static String key(ModelBundle bundle, Device device) {
    return bundle.fingerprint() + "@" + device;
  }

  public static RestorerModel getOrLoad(ModelBundle bundle, Device device) throws IOException, MalformedModelException {
    String key = key(bundle, device);
    RestorerModel cached = MODELS.get(key);
    if (cached != null) {
      return cached;
    }
    synchronized (ModelCache.class) {
      cached = MODELS.get(key);
      if (cached == null) {
        cached = RestorerModel.load(bundle, device);
        MODELS.put(key, cached);
      }
      return cached;
    }
  }
}
