package io.swiftvr.udf;

/**
 * The JVM-wide stop of a run that was asked to end (SIGTERM, Ctrl-C). A shard asks for leave before each chunk it
 * hands to the model ({@link #enterModel}) and stops with {@link RunStoppedException} once a stop was requested; the
 * shutdown hook waits until no chunk is inside the model any more ({@link #stopAndAwaitIdle}). A JVM that exits while
 * another thread runs libtorch crashes in libtorch's teardown (a SIGSEGV and an {@code hs_err} file), and a segment
 * cut off there would be lost work anyway: finished shards are kept, and the rerun resumes from them.
 */
public final class StopSignal {
  private static boolean stopping;
  private static int inModel;

  private StopSignal() {}

  /** Thrown into a shard when the run is stopping: not a failure of its video, so it leaves no outcome row. */
  public static final class RunStoppedException extends RuntimeException {
    RunStoppedException() {
      super("the run was interrupted; rerunning the same command resumes it");
    }
  }

  /** Before a chunk goes to the model: fails once a stop was requested. Pair with {@link #leaveModel}. */
  public static synchronized void enterModel() {
    if (stopping) {
      throw new RunStoppedException();
    }
    inModel++;
  }

  public static synchronized void leaveModel() {
    inModel--;
    StopSignal.class.notifyAll();
  }

  public static synchronized boolean stopping() {
    return stopping;
  }

  /**
   * Stops every shard of this JVM at its next chunk and waits for the chunks inside the model to return.
   *
   * @return whether the model was idle within {@code timeoutMillis}
   */
  public static synchronized boolean stopAndAwaitIdle(long timeoutMillis) throws InterruptedException {
    stopping = true;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (inModel > 0) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      StopSignal.class.wait(left);
    }
    return true;
  }
}
