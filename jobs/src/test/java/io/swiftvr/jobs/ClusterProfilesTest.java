package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.restore.Devices;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.spark.SparkTaskEnvironment;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark profiles in cluster-conf/profiles: each parses the way spark-submit reads a properties file, the GPU
 * profiles give every task one whole GPU and a whole executor, and the local profile really runs the job.
 */
class ClusterProfilesTest {

  static Map<String, String> read(String profile) throws IOException {
    return read(TestMedia.repoRoot().resolve("cluster-conf/profiles/" + profile + ".conf"), profile);
  }

  static Map<String, String> read(Path file, String profile) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] kv = l.split("\\s+", 2);
      assertEquals(2, kv.length, profile + ": '" + l + "' has no value");
      assertTrue(kv[0].startsWith("spark."), profile + ": " + kv[0] + " is not a Spark setting");
      assertEquals(null, conf.put(kv[0], kv[1]), profile + ": " + kv[0] + " set twice");
    }
    return conf;
  }

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "standalone-rapids", "kubernetes", "yarn"})
  void gpuProfilesGiveEachTaskOneGpuAndTheWholeExecutor(String profile) throws Exception {
    Map<String, String> conf = read(profile);
    assertEquals("1", conf.get("spark.executor.resource.gpu.amount"));
    assertEquals("1", conf.get("spark.task.resource.gpu.amount"));
    assertTrue(conf.get("spark.executor.resource.gpu.discoveryScript").endsWith("gpu-discovery.sh"));
    assertEquals(conf.get("spark.executor.cores"), conf.get("spark.task.cpus"), "one shard at a time per executor");
    assertTrue(conf.get("spark.executor.extraJavaOptions").contains("-Dai.djl.offline=true"));
    // Java takes the charset of file names from the locale; executors (and drivers the cluster starts) run under
    // C.UTF-8 whatever the node's locale is.
    assertEquals("C.UTF-8", conf.get("spark.executorEnv.LC_ALL"), profile);
    if (profile.equals("yarn")) {
      assertEquals("C.UTF-8", conf.get("spark.yarn.appMasterEnv.LC_ALL"), "the driver runs in YARN's AM container");
    }
    if (profile.equals("kubernetes")) {
      assertEquals("C.UTF-8", conf.get("spark.kubernetes.driverEnv.LC_ALL"), "a cluster-mode driver pod");
    }
  }

  /**
   * Starts what can be started here with each GPU profile's own scheduling settings: Spark's local-cluster mode (a
   * worker and a real executor JVM) whose worker announces two GPUs through a fake discovery script. Only what needs
   * the real cluster is left out: the master, the cluster manager's own keys, memory sizes, and the RAPIDS plugin.
   * A task must get one GPU of its executor and hand x264 the profile's CPU share.
   */
  @ParameterizedTest
  @ValueSource(strings = {"standalone", "standalone-rapids", "kubernetes", "yarn"})
  void gpuProfilesScheduleTasksOnAGpuInALocalCluster(String profile) throws Exception {
    Map<String, String> profileConf = read(profile);
    String fakeGpus = TestMedia.repoRoot().resolve("jobs/src/test/resources/two-fake-gpus.sh").toString();
    int cores = Integer.parseInt(profileConf.get("spark.executor.cores"));
    SparkConf conf = new SparkConf().setAppName("ClusterProfilesTest-" + profile);
    profileConf.forEach((key, value) -> {
      boolean clusterOnly = key.equals("spark.master") || key.equals("spark.submit.deployMode")
          || key.startsWith("spark.kubernetes.") || key.startsWith("spark.yarn.") || key.endsWith(".memory")
          || key.equals("spark.executor.instances") || key.equals("spark.plugins") || key.startsWith("spark.rapids.")
          || key.equals("spark.executor.resource.gpu.vendor");
      if (!clusterOnly) {
        conf.set(key, value);
      }
    });
    conf.setMaster("local-cluster[1," + cores + ",1024]")
        .set("spark.ui.enabled", "false")
        .set("spark.executor.memory", "512m")
        .set("spark.worker.resource.gpu.amount", "2")
        .set("spark.worker.resource.gpu.discoveryScript", fakeGpus)
        .set("spark.executor.resource.gpu.discoveryScript", fakeGpus)
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        // A node whose locale is plain C: executors must still read non-ASCII file names (the profile's LC_ALL).
        .set("spark.executorEnv.LANG", "C")
        .set("spark.executor.extraJavaOptions", profileConf.get("spark.executor.extraJavaOptions")
            + " -Dorg.bytedeco.javacpp.cachedir=" + TestMedia.repoRoot().resolve("target/cache/javacpp"));
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      List<String> seen = spark.parallelize(List.of(0, 1), 2).map(i -> {
        SparkTaskEnvironment task = new SparkTaskEnvironment();
        return Devices.choose("auto", task.assignedGpus()) + " threads " + task.encoderThreads() + " file names "
            + System.getProperty("sun.jnu.encoding");
      }).collect();
      for (String s : seen) {
        assertTrue(s.matches("gpu\\([01]\\) threads " + profileConf.get("spark.task.cpus") + " file names UTF-8"),
            profile + ": " + s);
      }
    }
  }

  /** RAPIDS shares each GPU with the model: its pool must stay a small part of the GPU. */
  @Test
  void rapidsProfileKeepsItsGpuPoolSmall() throws Exception {
    Map<String, String> conf = read("standalone-rapids");
    assertEquals("com.nvidia.spark.SQLPlugin", conf.get("spark.plugins"));
    assertTrue(Double.parseDouble(conf.get("spark.rapids.memory.gpu.maxAllocFraction")) <= 0.25);
    assertTrue(Double.parseDouble(conf.get("spark.rapids.memory.gpu.allocFraction"))
        <= Double.parseDouble(conf.get("spark.rapids.memory.gpu.maxAllocFraction")));
  }

  /** The fragment is appended to any profile: it may only name S3A and output-committer settings. */
  @Test
  void s3aFragmentNamesOnlyStorageSettings() throws Exception {
    for (String key : read(TestMedia.repoRoot().resolve("cluster-conf/fragments/s3a.conf"), "s3a").keySet()) {
      assertTrue(key.startsWith("spark.hadoop.fs.s3a.") || key.equals("spark.sql.parquet.output.committer.class")
          || key.startsWith("spark.hadoop.mapreduce.outputcommitter.factory."), key);
    }
  }

  @Test
  void theLocalProfileRunsTheJob(@org.junit.jupiter.api.io.TempDir Path out) throws Exception {
    SparkConf conf = new SparkConf().setAppName("ClusterProfilesTest").set("spark.ui.enabled", "false");
    read("local").forEach(conf::set);
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      JobOptions options = Main.parseRunOptions(List.of("--input", TestMedia.realShort().toString(), "--output",
          out.toString(), "--model", TestBundles.tinyDir().toString()));
      RestoreJob.Result result = RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream()));
      assertEquals("restored", result.videos().get(0).status());
    }
  }
}
