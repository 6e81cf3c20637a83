package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.restore.Devices;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.spark.SparkTaskEnvironment;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's local-cluster mode: a worker with two (announced) GPUs and real executor JVMs. Concurrent tasks are each
 * bound to their own GPU, and the whole job runs with executors that load the model themselves.
 */
class LocalClusterTest {
  private static JavaSparkContext spark;

  @BeforeAll
  static void startCluster() {
    String script = TestMedia.repoRoot().resolve("jobs/src/test/resources/two-fake-gpus.sh").toString();
    String cache = TestMedia.repoRoot().resolve("target/cache").toString();
    spark = new JavaSparkContext(new SparkConf().setMaster("local-cluster[1,2,2048]").setAppName("LocalClusterTest")
        .set("spark.ui.enabled", "false")
        .set("spark.worker.resource.gpu.amount", "2")
        .set("spark.worker.resource.gpu.discoveryScript", script)
        .set("spark.executor.resource.gpu.amount", "2")
        .set("spark.executor.resource.gpu.discoveryScript", script)
        .set("spark.task.resource.gpu.amount", "1")
        .set("spark.task.cpus", "1")
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir=" + cache
            + "/javacpp")
        .set("spark.executorEnv.DJL_CACHE_DIR", cache + "/djl"));
  }

  @AfterAll
  static void stopCluster() {
    spark.close();
  }

  @Test
  void concurrentTasksAreBoundToDifferentGpus() {
    List<String> devices = spark.parallelize(List.of(0, 1), 2).map(i -> {
      Thread.sleep(500); // hold the GPU, so both tasks run at once
      return Devices.choose("auto", new SparkTaskEnvironment().assignedGpus()).toString();
    }).collect();
    assertEquals(new TreeSet<>(List.of("gpu(0)", "gpu(1)")), new TreeSet<>(devices));
  }

  @Test
  void encodersUseTheTaskCpuShare() {
    List<Integer> threads =
        spark.parallelize(List.of(0, 1), 2).map(i -> new SparkTaskEnvironment().encoderThreads()).collect();
    assertEquals(List.of(1, 1), threads);
    assertEquals(0, new SparkTaskEnvironment().encoderThreads(), "outside a task the encoder chooses");
  }

  @Test
  void executorsRestoreWithTheirOwnModel(@TempDir Path out) throws Exception {
    JobOptions options = Main.parseRunOptions(List.of("--input", TestMedia.realShort().toString(), "--output",
        out.toString(), "--model", TestBundles.tinyDir().toString(), "--spread", "2", "--device", "cpu"));
    RestoreJob.Result result = RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream()));
    VideoOutcome video = result.videos().get(0);
    assertEquals("restored", video.status(), String.valueOf(video.error()));
    assertTrue(result.shards().stream().allMatch(s -> !"driver".equals(s.executor())),
        "shards ran in executor JVMs: " + result.shards());
    VideoProbe restored = new VideoProber().probe(video.output());
    assertEquals(36, restored.frameCount());
  }
}
