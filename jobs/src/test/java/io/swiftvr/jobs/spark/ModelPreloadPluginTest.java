package io.swiftvr.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.swiftvr.jobs.spark.ModelPreloadPlugin;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.ModelCache;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executors load the job's model when they start, before any task asks for it. */
class ModelPreloadPluginTest {
  @Test
  void executorsHaveTheModelBeforeTheirFirstTask(@TempDir Path cache) throws Exception {
    String cacheDir = TestMedia.repoRoot().resolve("target/cache").toString();
    SparkConf conf = ModelPreloadPlugin.configure(new SparkConf().setMaster("local-cluster[1,1,1024]")
            .setAppName("ModelPreloadPluginTest")
            .set("spark.ui.enabled", "false")
            .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
            .set("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir="
                + cacheDir + "/javacpp")
            .set("spark.executorEnv.DJL_CACHE_DIR", cacheDir + "/djl"),
        TestBundles.tinyDir().toString(), cache, "cpu");
    String bundleDir = TestBundles.tinyDir().toString();
    String bundleCache = cache.toString();
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      // The task only looks: it never loads the model itself. It waits for the executor's preload thread.
      List<Boolean> loaded = spark.parallelize(List.of(0), 1).map(i -> {
        ModelBundle bundle = ModelBundle.open(Path.of(bundleDir), Path.of(bundleCache));
        for (int waited = 0; waited < 600 && !ModelCache.isLoaded(bundle, Device.cpu()); waited++) {
          Thread.sleep(100);
        }
        return ModelCache.isLoaded(bundle, Device.cpu());
      }).collect();
      assertEquals(List.of(true), loaded, "the executor preloaded the model on the CPU");
    }
  }

  @Test
  void pluginJoinsOtherPluginsAndFollowsSparkGpus() {
    SparkConf conf = ModelPreloadPlugin.configure(new SparkConf(false).set("spark.plugins",
        "com.nvidia.spark.SQLPlugin"), "s3a://models/m", Path.of("/tmp/c"), "auto");
    assertEquals("com.nvidia.spark.SQLPlugin," + ModelPreloadPlugin.class.getName(), conf.get("spark.plugins"));
    assertEquals(conf.get("spark.plugins"), ModelPreloadPlugin.configure(conf, "m", Path.of("/c"), "auto")
        .get("spark.plugins"), "added once");
    ResourceInformation twoGpus = new ResourceInformation("gpu", new String[] {"0", "3"});
    assertEquals(List.of(Device.gpu(0), Device.gpu(3)), ModelPreloadPlugin.devices("auto", twoGpus));
    assertEquals(List.of(Device.cpu()), ModelPreloadPlugin.devices("cpu", twoGpus));
    assertTrue(ModelPreloadPlugin.devices("gpu", null).isEmpty(), "no GPU from Spark: a gpu task fails on its own");
  }
}
