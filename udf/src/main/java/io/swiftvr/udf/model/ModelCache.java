package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import io.swiftvr.udf.bundle.ModelBundle;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per JVM, bundle and device: Spark tasks on an executor reuse it instead of loading the weights
 * for every task. Models live until the JVM exits (executors are long-lived; the model is their main tenant).
 */
public final class ModelCache {
  private static final ConcurrentHashMap<String, RestorerModel> MODELS = new ConcurrentHashMap<>();

  private ModelCache() {}

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
