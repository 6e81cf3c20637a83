package io.swiftvr.jobs.restore;

import java.util.List;

/**
 * What a shard task needs to know about where it runs, asked of the scheduler that runs it (Spark's task context, in
 * {@code jobs.spark}), so that the publish protocol of {@link ShardTaskRunner} stays plain Java.
 */
public interface TaskEnvironment {

  /** Whether the scheduler runs this task again if it fails now. */
  boolean attemptsLeft();

  /** Threads the encoder may use: the task's CPU share, or 0 for the encoder's own choice. */
  int encoderThreads();

  /** The GPUs the scheduler assigned to this task (CUDA ordinals as the executor sees them); empty for none. */
  List<Integer> assignedGpus();

  /** The task's identity for logs ("stage.partition attempt n TID t"), or "none". */
  String task();

  /** The executor's identity for reports ("driver" outside a cluster). */
  String executor();

  /** Outside any scheduler (tests, one-off tools): one attempt, no assigned GPU. */
  TaskEnvironment NONE = new TaskEnvironment() {
    @Override
    public boolean attemptsLeft() {
      return false;
    }

    @Override
    public int encoderThreads() {
      return 0;
    }

    @Override
    public List<Integer> assignedGpus() {
      return List.of();
    }

    @Override
    public String task() {
      return "none";
    }

    @Override
    public String executor() {
      return "driver";
    }
  };
}
