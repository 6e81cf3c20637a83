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
import java.nio.file.Files;
import java.nio.file.Path;
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
      Path cache = Path.of(task.bundleCache());
      ModelBundle bundle = ModelBundle.open(RemoteBundles.localize(task.modelDir(), cache), cache);
      RestorerModel model = ModelCache.getOrLoad(bundle, device);
      VideoProbe probe = video.localProbe(cache.resolveSibling("inputs"));
      Path temp = storage.scratch(segment);
      ShardResult result;
      try {
        try (SegmentEncoder encoder = new SegmentEncoder(
            temp, video.outWidth(), video.outHeight(), probe.frameRate(), task.encoder())) {
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
