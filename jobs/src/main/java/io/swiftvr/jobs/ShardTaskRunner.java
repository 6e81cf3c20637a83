package io.swiftvr.jobs;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.swiftvr.planner.FfmpegLog;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.FrameSink;
import io.swiftvr.udf.ShardRestorer;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.StopSignal;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.model.ModelCache;
import io.swiftvr.udf.model.RestorerModel;
import io.swiftvr.udf.video.SegmentEncoder;
import java.io.IOException;
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
 * earlier run already finished, otherwise checks that the input and the model bundle are still those of the plan,
 * restores into a temporary file named for this attempt, checks the input again and publishes the segment by an
 * atomic rename. A failure ends as a {@code failed} row ({@link #run}).
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

  /**
   * Never throws for a fault of this video: a failure that would repeat (a bad or changed file, a frame size beyond
   * the limits, a bundle that changed after planning) becomes a {@code failed} row at once; any other failure is
   * thrown while Spark has attempts left, so a transient fault is retried, and becomes a {@code failed} row on the
   * last attempt, so one video never aborts the batch.
   */
  public static ShardOutcome run(ShardTask task, IntConsumer progress) {
    Shard shard = task.shard();
    VideoPlan video = task.video();
    Storage storage = Storage.forLocation(task.segmentDir());
    String segment = Storage.resolve(task.segmentDir(), shard.segmentName() + ".mp4");
    String done = Storage.resolve(task.outcomeDir(), shard.segmentName() + ".json");
    String what = "shard " + (shard.shardIndex() + 1) + " of " + shard.shardCount();
    try {
      ShardOutcome earlier = storage.exists(done) ? ReportFiles.readOutcome(storage, done) : null;
      if (earlier != null && !earlier.failed() && storage.exists(segment)) {
        progress.accept(shard.emittedFrames());
        return new ShardOutcome(video.key(), video.input(), shard.shardIndex(), shard.shardCount(), "reused",
            null, earlier.result(), segment, host(), executor(), false);
      }
      if (earlier != null && earlier.failed() && earlier.permanent() && !task.retryFailed()) {
        LOG.info("{} of {} failed in an earlier run and would fail again; not retried (--retry-failed retries it)",
            what, video.input());
        return earlier;
      }
      video.identity().check(video.input(), "before restoring " + what);
      Device device = chooseDevice(task.device());
      LOG.info("Task binding: {}", binding(shard, device));
      Path cache = Path.of(task.bundleCache());
      ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(task.modelDir(), cache), cache);
      if (!bundle.fingerprint().equals(task.modelFingerprint())) {
        throw new InvalidBundleException(String.format(
            "the model bundle at %s is %s, but the plan was made with %s: it changed after planning, and one video "
                + "is never restored with two models; rerun the same command to plan again with the bundle as it is",
            task.modelDir(), bundle.fingerprint(), task.modelFingerprint()));
      }
      RestorerModel model = ModelCache.getOrLoad(bundle, device);
      VideoProbe probe = video.localProbe(cache.resolveSibling("inputs"));
      Path temp = storage.scratch(segment);
      ShardResult result;
      try {
        try (SegmentEncoder encoder = new SegmentEncoder(
            temp, video.outWidth(), video.outHeight(), probe.frameRate(), task.encoder(), encoderThreads())) {
          result = new ShardRestorer(model).restore(probe, shard, video.outWidth(), video.outHeight(),
              FrameSink.encoding(encoder), progress, false);
        } catch (IOException e) {
          throw new IOException("cannot write " + segment + ": " + withReason(e.getMessage()), e);
        }
        beforePublish.accept(task);
        video.identity().check(video.input(), "before publishing " + what);
        storage.publish(temp, segment);
      } finally {
        Files.deleteIfExists(temp);
      }
      ShardOutcome outcome = new ShardOutcome(video.key(), video.input(), shard.shardIndex(),
          shard.shardCount(), "restored", null, result, segment, host(), executor(), false);
      ReportFiles.writeOutcome(storage, done, outcome);
      return outcome;
    } catch (StopSignal.RunStoppedException e) {
      throw e; // the run is ending: no outcome row, the rerun restores this shard
    } catch (InvalidVideoException e) {
      return failed(task, storage, done, e.getMessage(), true);
    } catch (InvalidBundleException | IllegalArgumentException | ArithmeticException | NegativeArraySizeException
        | IndexOutOfBoundsException e) {
      // The same input and parameters would fail the same way: no retry, and no retry by reruns unless asked.
      LOG.warn("{} of {} failed for good", what, video.input(), e);
      return failed(task, storage, done, video.input() + ": " + what + " failed: " + describe(e), true);
    } catch (Exception | OutOfMemoryError e) {
      if (String.valueOf(e.getMessage()).contains(NO_SPACE)) {
        // Another attempt now would fill the disk again; a rerun once there is room tries the shard again.
        return failed(task, storage, done, video.input() + ": " + what + " failed: " + e.getMessage(), false);
      }
      if (attemptsLeft()) {
        throw new IllegalStateException(video.input() + ": " + what + " failed, Spark retries it: " + describe(e), e);
      }
      LOG.warn("{} of {} failed on its last attempt", what, video.input(), e);
      return failed(task, storage, done, video.input() + ": " + what + " failed on every attempt: " + describe(e),
          false);
    }
  }

  /** The outcome row of a failed shard, kept for the report and the merge, and read by a rerun. */
  private static ShardOutcome failed(ShardTask task, Storage storage, String done, String error, boolean permanent) {
    LOG.warn("{}", error);
    ShardOutcome failed = ShardOutcome.failed(task, error, permanent, host(), executor());
    try {
      ReportFiles.writeOutcome(storage, done, failed);
    } catch (IOException | RuntimeException io) {
      // The driver still gets the row from the task's result; without the file the merge reports the video pending.
      LOG.warn("Could not write the outcome row {}: {}", done, io.toString());
    }
    return failed;
  }

  /** The text of ENOSPC, as FFmpeg and Java give it. */
  private static final String NO_SPACE = "No space left on device";
  private static final java.util.regex.Pattern FFMPEG_ERROR = java.util.regex.Pattern.compile("error (-\\d+)");

  /** JavaCV reports FFmpeg's failures as "... error -28 ...": add the system's reason ("No space left on device"). */
  static String withReason(String message) {
    java.util.regex.Matcher code = FFMPEG_ERROR.matcher(String.valueOf(message));
    return code.find() ? message + " (" + FfmpegLog.describe(Integer.parseInt(code.group(1))) + ")" : message;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  /**
   * Whether Spark will run this task again if it fails now. {@code local[N]} masters try a task once and
   * {@code local[N,F]} F times; clusters {@code spark.task.maxFailures} times (default 4).
   */
  static boolean attemptsLeft() {
    TaskContext context = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    if (context == null || env == null) {
      return false;
    }
    String master = env.conf().get("spark.master", "");
    int attempts = env.conf().getInt("spark.task.maxFailures", 4);
    java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[[^,\\]]+(?:,\\s*(\\d+))?\\]")
        .matcher(master);
    if (master.equals("local")) {
      attempts = 1;
    } else if (local.matches()) {
      attempts = local.group(1) == null ? 1 : Integer.parseInt(local.group(1));
    }
    return context.attemptNumber() + 1 < attempts;
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
