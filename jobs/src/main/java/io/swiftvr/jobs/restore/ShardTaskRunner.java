package io.swiftvr.jobs.restore;

import ai.djl.Device;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.RemoteBundles;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FfmpegLog;
import io.swiftvr.media.FrameSize;
import io.swiftvr.media.SegmentEncoder;
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
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish protocol of one shard, in plain Java (Spark runs it in a task and describes the task through a
 * {@link TaskEnvironment}): binds the model to the GPU the scheduler assigned (or the CPU), skips a segment an earlier
 * run already finished, otherwise checks that the input and the model bundle are still those of the plan, restores
 * into a scratch file named for this attempt, checks the input again, publishes the segment (an atomic rename, or one
 * upload on S3), and writes its outcome row. A failure ends as a {@code failed} row ({@link #run}).
 */
public final class ShardTaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ShardTaskRunner.class);

  /**
   * Called after a segment is encoded and before it is published. Tests set it to inject a task failure at the
   * worst moment; in production it does nothing.
   */
  public static volatile java.util.function.Consumer<ShardTask> beforePublish = task -> { };

  private ShardTaskRunner() {}

  /**
   * Never throws for a fault of this video: a failure that would repeat (a bad or changed file, a frame size beyond
   * the limits, a bundle that changed after planning) becomes a {@code failed} row at once; any other failure is
   * thrown while Spark has attempts left, so a transient fault is retried, and becomes a {@code failed} row on the
   * last attempt, so one video never aborts the batch.
   */
  public static ShardOutcome run(ShardTask task, TaskEnvironment env, IntConsumer progress) {
    Shard shard = task.shard();
    VideoPlan video = task.video();
    Storage storage = Location.of(task.segmentDir()).storage();
    String segment = Location.of(task.segmentDir()).resolve(shard.segmentName() + ".mp4").toString();
    String done = OutcomeRows.location(task.outcomeDir(), shard.segmentName());
    String what = "shard " + (shard.shardIndex() + 1) + " of " + shard.shardCount();
    try {
      ShardOutcome earlier = storage.exists(done) ? OutcomeRows.readOne(storage, done) : null;
      if (earlier != null && !earlier.failed() && storage.exists(segment)) {
        progress.accept(shard.emittedFrames());
        return new ShardOutcome(video.key(), video.input(), shard.shardIndex(), shard.shardCount(), "reused",
            null, earlier.result(), segment, host(), env.executor(), false);
      }
      if (earlier != null && earlier.failed() && earlier.permanent() && !task.retryFailed()) {
        LOG.info("{} of {} failed in an earlier run and would fail again; not retried (--retry-failed retries it)",
            what, video.input());
        return earlier;
      }
      video.identity().check(video.input(), "before restoring " + what);
      Device device = Devices.choose(task.device(), env.assignedGpus());
      LOG.info("Task binding: {}", binding(shard, device, env));
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
      FrameSize out = video.outputSize();
      ShardResult result;
      try {
        EncoderSettings encoding = task.encoder().withBitDepth(task.encoder().bitDepthFor(probe.bitsPerSample()));
        try (SegmentEncoder encoder = new SegmentEncoder(temp, out.width(), out.height(), probe.frameRate(), encoding,
            env.encoderThreads(), ShardRestorer.outputSampleBytes(encoding, bundle), probe.colour(), shard.emittedFrames())) {
          ShardRestorer.Job job = new ShardRestorer.Job(probe, shard, out, video.damaged(), video.decodeSize())
              .withColorFix(video.colorFix());
          result = new ShardRestorer(model).restore(job, FrameSink.encoding(encoder), progress);
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
          shard.shardCount(), "restored", null, result, segment, host(), env.executor(), false);
      OutcomeRows.write(storage, done, outcome);
      return outcome;
    } catch (StopSignal.RunStoppedException e) {
      throw e; // the run is ending: no outcome row, the rerun restores this shard
    } catch (InvalidVideoException e) {
      return failed(task, env, storage, done, e.getMessage(), true);
    } catch (InvalidBundleException | IllegalArgumentException | ArithmeticException | NegativeArraySizeException
        | IndexOutOfBoundsException e) {
      // The same input and parameters would fail the same way: no retry, and no retry by reruns unless asked.
      LOG.warn("{} of {} failed for good", what, video.input(), e);
      return failed(task, env, storage, done, video.input() + ": " + what + " failed: " + describe(e), true);
    } catch (Exception | OutOfMemoryError e) {
      if (String.valueOf(e.getMessage()).contains(NO_SPACE)) {
        // Another attempt now would fill the disk again; a rerun once there is room tries the shard again.
        return failed(task, env, storage, done, video.input() + ": " + what + " failed: " + e.getMessage(), false);
      }
      if (env.attemptsLeft()) {
        throw new IllegalStateException(video.input() + ": " + what + " failed, Spark retries it: " + describe(e), e);
      }
      LOG.warn("{} of {} failed on its last attempt", what, video.input(), e);
      return failed(task, env, storage, done, video.input() + ": " + what + " failed on every attempt: " + describe(e),
          false);
    }
  }

  /** The outcome row of a failed shard, kept for the report and the merge, and read by a rerun. */
  private static ShardOutcome failed(ShardTask task, TaskEnvironment env, Storage storage, String done, String error,
      boolean permanent) {
    LOG.warn("{}", error);
    ShardOutcome failed = ShardOutcome.failed(task.video(), task.shard(), error, permanent, host(), env.executor());
    try {
      OutcomeRows.write(storage, done, failed);
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
  public static String withReason(String message) {
    java.util.regex.Matcher code = FFMPEG_ERROR.matcher(String.valueOf(message));
    return code.find() ? message + " (" + FfmpegLog.describe(Integer.parseInt(code.group(1))) + ")" : message;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  /**
   * Where this task runs, for checking GPU scheduling from executor logs: task and executor, the GPUs the scheduler
   * assigned, the device chosen, and for a GPU its identity from nvidia-smi.
   */
  private static String binding(Shard shard, Device device, TaskEnvironment env) {
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    return "shard " + shard.segmentName() + ", task " + env.task() + ", executor " + env.executor() + ", host "
        + host() + ", pid " + ProcessHandle.current().pid() + ", assigned gpu " + env.assignedGpus() + " -> " + device
        + ", CUDA_VISIBLE_DEVICES=" + (visible == null ? "unset" : visible)
        + (device.isGpu() ? ", nvidia-smi " + Devices.gpuId(device.getDeviceId()) : "");
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
