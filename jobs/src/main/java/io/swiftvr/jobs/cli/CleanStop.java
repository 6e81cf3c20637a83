package io.swiftvr.jobs.cli;

import io.swiftvr.udf.StopSignal;
import io.swiftvr.udf.model.ModelCache;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * What SIGTERM or Ctrl-C does to a command on the driver: stop taking work, let the chunk that is inside the model
 * return, free the models, and say in one line that the run was interrupted and that the same command resumes it.
 *
 * <p>Without it the JVM exited with a shard still inside libtorch (a SIGSEGV in libtorch's teardown and an
 * {@code hs_err} file), after pages of stack traces from Spark's own shutdown. The hook runs before Spark's (a higher
 * priority in Hadoop's shutdown hook manager, which Spark's hooks run in) and silences the log first: what Spark then
 * prints about tasks it stops is the expected end of an interrupted run, not news. Nothing is lost: segments are
 * published only when complete, videos only when merged, and the rerun skips what is done.
 */
public final class CleanStop {
  /** Above Spark's own hooks (SparkShutdownHookManager runs at FileSystem.SHUTDOWN_HOOK_PRIORITY + 30 = 40). */
  private static final int PRIORITY = 100;
  private static final long MODEL_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(2);
  private static volatile boolean finished;

  private CleanStop() {}

  /** Installs the hook for {@code command}; {@link #finished} turns it off before a normal exit. */
  static void install(String command, PrintStream console) {
    ShutdownHookManager.get().addShutdownHook(() -> onSignal(command, console), PRIORITY,
        MODEL_WAIT_MILLIS + TimeUnit.SECONDS.toMillis(30), TimeUnit.MILLISECONDS);
  }

  /** The command ended by itself: exiting now is no interruption. */
  static void finished() {
    finished = true;
  }

  private static void onSignal(String command, PrintStream console) {
    if (finished) {
      return;
    }
    Configurator.setRootLevel(Level.OFF);
    // Spark's threads die with the JVM now, and some print their stack traces straight to System.err (Scala futures
    // report a rejected task with printStackTrace, past any logger): after a stop that is noise, so System.err goes
    // quiet and the one line below is printed on the stream saved when the hook was installed.
    System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
    boolean idle;
    try {
      idle = StopSignal.stopAndAwaitIdle(MODEL_WAIT_MILLIS);
    } catch (InterruptedException e) {
      idle = false;
    }
    if (idle) {
      ModelCache.closeAll();
    }
    console.println(System.lineSeparator() + "swiftvr " + command + " interrupted"
        + (idle ? "" : " (a chunk was still in the model after 2 minutes)")
        + ": finished shards and published videos are kept; rerun the same command to resume");
    console.flush();
  }
}
