package io.swiftvr.jobs.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Shows restored frames out of the total while the job runs, on clusters too: running tasks report their partial
 * accumulator values with every executor heartbeat, finished tasks through the accumulator itself.
 */
public final class ProgressDisplay extends SparkListener {
  private final LongAccumulator frames;
  private final long total;
  private final PrintStream out;
  private final boolean console;
  private final long started = System.nanoTime();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private volatile long lastPrinted;

  ProgressDisplay(LongAccumulator frames, long total, PrintStream out) {
    this.frames = frames;
    this.total = total;
    this.out = out;
    this.console = System.console() != null;
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task :
        CollectionConverters.asJava(update.accumUpdates())) {
      for (AccumulableInfo info : CollectionConverters.asJava(task._4())) {
        if (info.id() == frames.id() && info.update().isDefined()) {
          running.put((Long) task._1(), ((Number) info.update().get()).longValue());
        }
      }
    }
    print(false);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    running.remove(taskEnd.taskInfo().taskId());
    print(false);
  }

  void finish() {
    print(true);
    if (console) {
      out.println();
    }
  }

  private synchronized void print(boolean force) {
    long now = System.nanoTime();
    if (!force && !console && now - lastPrinted < 10_000_000_000L) {
      return; // in logs, one line every 10 s is plenty
    }
    lastPrinted = now;
    long done = Math.min(total, frames.value() + running.values().stream().mapToLong(Long::longValue).sum());
    double seconds = (now - started) / 1e9;
    double fps = seconds > 0 ? done / seconds : 0;
    String eta = fps > 0 && done < total ? String.format(Locale.ROOT, ", ~%.0f s left", (total - done) / fps) : "";
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    String line = String.format(Locale.ROOT, "restoring [%s%s] %d/%d frames, %.2f fps%s",
        "#".repeat(filled), " ".repeat(width - filled), done, total, fps, eta);
    out.print(console ? "\r" + line : line + System.lineSeparator());
    out.flush();
  }
}
