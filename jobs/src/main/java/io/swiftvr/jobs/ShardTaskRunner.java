package io.swiftvr.jobs;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.FrameSink;
import io.swiftvr.udf.ShardRestorer;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.ModelCache;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.video.SegmentEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one shard inside a Spark task: binds the model to the GPU Spark assigned (or the CPU), skips a segment an
 * earlier run already finished, otherwise restores into a temporary file named for this attempt and publishes it by
 * an atomic rename. A bad video becomes a {@code failed} row; storage and engine faults are thrown so Spark retries.
 */
public final class ShardTaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ShardTaskRunner.class);
  /** nvidia-smi's index, UUID, PCI bus id and name per CUDA ordinal, asked once per executor JVM. */
  private static final Map<Integer, String> GPU_IDS = new ConcurrentHashMap<>();

  /**
   * Called after a segment is encoded and before it is published. Tests set it to inject a task failure at the
   * worst moment; in production it does nothing.
   */
  static volatile java.util.function.Consumer<ShardTask> beforePublish = task -> { };

  private ShardTaskRunner() {}

  public static ShardOutcome run(ShardTask task, IntConsumer progress) {
    Shard shard = task.shard();
    VideoPlan video = task.video();
    Storage storage = Storage.forLocation(task.segmentDir());
    String segment = Storage.resolve(task.segmentDir(), shard.segmentName() + ".mp4");
    String done = Storage.resolve(task.outcomeDir(), shard.segmentName() + ".json");
    try {
      ShardOutcome earlier = storage.exists(done) ? ReportFiles.readOutcome(storage, done) : null;
      if (earlier != null && !earlier.failed() && storage.exists(segment)) {
        progress.accept(shard.emittedFrames());
        return new ShardOutcome(video.key(), video.input(), shard.shardIndex(), shard.shardCount(), "reused",
            null, earlier.result(), segment, host(), executor());
      }
      Device device = chooseDevice(task.device());
      LOG.info("Task binding: {}", binding(shard, device));
      Path cache = Path.of(task.bundleCache());
      ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(task.modelDir(), cache), cache);
      RestorerModel model = ModelCache.getOrLoad(bundle, device);
      VideoProbe probe = video.localProbe(cache.resolveSibling("inputs"));
      Path temp = storage.scratch(segment);
      ShardResult result;
      try {
        try (SegmentEncoder encoder = new SegmentEncoder(
            temp, video.outWidth(), video.outHeight(), probe.frameRate(), task.encoder(), encoderThreads())) {
          result = new ShardRestorer(model).restore(probe, shard, video.outWidth(), video.outHeight(),
              FrameSink.encoding(encoder), progress, false);
        }
        beforePublish.accept(task);
        storage.publish(temp, segment);
      } finally {
        Files.deleteIfExists(temp);
      }
      ShardOutcome outcome = new ShardOutcome(video.key(), video.input(), shard.shardIndex(),
          shard.shardCount(), "restored", null, result, segment, host(), executor());
      ReportFiles.writeOutcome(storage, done, outcome);
      return outcome;
    } catch (InvalidVideoException e) {
      LOG.warn("Shard {} of {} failed: {}", shard.shardIndex(), video.input(), e.getMessage());
      ShardOutcome failed = new ShardOutcome(video.key(), video.input(), shard.shardIndex(), shard.shardCount(),
          "failed", e.getMessage(), null, null, host(), executor());
      try {
        ReportFiles.writeOutcome(storage, done, failed); // kept for the report; a rerun tries the shard again
      } catch (IOException io) {
        throw new UncheckedIOException("Shard " + shard.segmentName() + " of " + video.input(), io);
      }
      return failed;
    } catch (IOException e) {
      throw new UncheckedIOException("Shard " + shard.segmentName() + " of " + video.input(), e);
    } catch (Exception e) {
      throw new IllegalStateException("Shard " + shard.segmentName() + " of " + video.input() + ": " + e, e);
    }
  }

  /**
   * The task's CPU share ({@code spark.task.cpus}) when the cluster sets it, else 0 (the encoder's own choice). x264
   * left to itself starts 1.5 threads per core of the host, so executors sharing a host would each start threads
   * for every core and slow each other down.
   */
  static int encoderThreads() {
    TaskContext context = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    return context != null && env != null && env.conf().contains("spark.task.cpus") ? context.cpus() : 0;
  }

  /** The GPU Spark assigned to this task, if any; otherwise the CPU (or a GPU when asked and one is visible). */
  static Device chooseDevice(String preference) {
    if ("cpu".equals(preference)) {
      return Device.cpu();
    }
    TaskContext context = TaskContext.get();
    if (context != null) {
      ResourceInformation gpu = context.resources().get("gpu").getOrElse(() -> null);
      if (gpu != null && gpu.addresses().length > 0) {
        return Device.gpu(Integer.parseInt(gpu.addresses()[0]));
      }
    }
    if ("gpu".equals(preference) || Engine.getInstance().getGpuCount() > 0 && "auto".equals(preference)) {
      if (Engine.getInstance().getGpuCount() == 0) {
        throw new IllegalStateException("--device gpu was asked for, but the PyTorch engine sees no GPU");
      }
      return Device.gpu(0);
    }
    return Device.cpu();
  }

  /**
   * Where this task runs, for checking GPU scheduling from executor logs: Spark task and executor, the GPU addresses
   * Spark assigned, the device chosen, and for a GPU its identity from nvidia-smi (the CUDA ordinal mapped through
   * CUDA_VISIBLE_DEVICES; nvidia-smi numbers GPUs in PCI bus order, as CUDA does with CUDA_DEVICE_ORDER=PCI_BUS_ID).
   */
  static String binding(Shard shard, Device device) {
    TaskContext context = TaskContext.get();
    String task = context == null ? "none" : context.stageId() + "." + context.partitionId() + " attempt "
        + context.attemptNumber() + " TID " + context.taskAttemptId();
    String addresses = "none";
    if (context != null) {
      ResourceInformation gpu = context.resources().get("gpu").getOrElse(() -> null);
      addresses = gpu == null ? "none" : String.join(",", gpu.addresses());
    }
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    return "shard " + shard.segmentName() + ", task " + task + ", executor " + executor() + ", host " + host()
        + ", pid " + ProcessHandle.current().pid() + ", Spark gpu [" + addresses + "] -> " + device
        + ", CUDA_VISIBLE_DEVICES=" + (visible == null ? "unset" : visible)
        + (device.isGpu() ? ", nvidia-smi " + GPU_IDS.computeIfAbsent(device.getDeviceId(), ShardTaskRunner::gpuId)
            : "");
  }

  private static String gpuId(int ordinal) {
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    String selector = Integer.toString(ordinal);
    if (visible != null && !visible.isBlank()) {
      String[] ids = visible.split(",");
      selector = ordinal < ids.length ? ids[ordinal].trim() : selector;
    }
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,uuid,pci.bus_id,name", "--format=csv,noheader",
          "-i", selector).redirectErrorStream(true).start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? "[" + line + "]"
          : "failed for -i " + selector + ": " + line;
    } catch (IOException e) {
      return "unavailable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String executor() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }
}
