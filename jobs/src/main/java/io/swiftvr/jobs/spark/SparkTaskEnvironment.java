package io.swiftvr.jobs.spark;

import io.swiftvr.jobs.restore.TaskEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The running Spark task as a {@link TaskEnvironment}: its attempts, CPU share, GPUs and identity. */
public final class SparkTaskEnvironment implements TaskEnvironment {
  private static final Pattern LOCAL_MASTER = Pattern.compile("local\\[[^,\\]]+(?:,\\s*(\\d+))?\\]");

  /**
   * {@code local[N]} masters try a task once and {@code local[N,F]} F times; clusters {@code spark.task.maxFailures}
   * times (default 4).
   */
  @Override
  public boolean attemptsLeft() {
    TaskContext context = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    if (context == null || env == null) {
      return false;
    }
    String master = env.conf().get("spark.master", "");
    int attempts = env.conf().getInt("spark.task.maxFailures", 4);
    Matcher local = LOCAL_MASTER.matcher(master);
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
  @Override
  public int encoderThreads() {
    TaskContext context = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    return context != null && env != null && env.conf().contains("spark.task.cpus") ? context.cpus() : 0;
  }

  @Override
  public List<Integer> assignedGpus() {
    TaskContext context = TaskContext.get();
    return context == null ? List.of() : addresses(context.resources().get("gpu").getOrElse(() -> null));
  }

  @Override
  public String task() {
    TaskContext context = TaskContext.get();
    return context == null ? "none" : context.stageId() + "." + context.partitionId() + " attempt "
        + context.attemptNumber() + " TID " + context.taskAttemptId();
  }

  @Override
  public String executor() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }

  /** The CUDA ordinals of a Spark GPU resource; empty without one. */
  static List<Integer> addresses(ResourceInformation gpu) {
    List<Integer> ordinals = new ArrayList<>();
    if (gpu != null) {
      for (String address : gpu.addresses()) {
        ordinals.add(Integer.parseInt(address));
      }
    }
    return ordinals;
  }
}
