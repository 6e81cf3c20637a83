package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;

/** FFmpeg's log level, error strings and error log lines, in one place. */
public final class FfmpegLog {
  private static volatile boolean quieted;
  private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
  private static LogCallback installed;

  private FfmpegLog() {}

  /** FFmpeg prints every warning to stderr by default; keep only errors so progress output stays readable. */
  public static void quiet() {
    if (!quieted) {
      av_log_set_level(AV_LOG_ERROR);
      quieted = true;
    }
  }

  /** The text FFmpeg gives for a negative return code, with the code itself. */
  public static String describe(int errorCode) {
    // FFmpeg writes a NUL-terminated string into the buffer. A JavaCPP BytePointer's getString() reads up to its
    // limit (the whole 256 bytes) rather than to the NUL, which put uninitialised native memory into error rows.
    byte[] buffer = new byte[256];
    av_strerror(errorCode, buffer, buffer.length);
    return cString(buffer) + ", code " + errorCode;
  }

  /**
   * Collects the error lines FFmpeg logs on this thread until closed, instead of printing them. A return code says
   * little ("Invalid argument"); the reason is in the log ("Error setting preset/tune bogus/(null)."), and this puts
   * it into the error message and the report instead of somewhere in stderr. Captures nest.
   */
  public static Capture capture() {
    installCallback();
    Capture capture = new Capture(CAPTURE.get());
    CAPTURE.set(capture);
    return capture;
  }

  /** The bytes before the first NUL (all of them when there is none), as UTF-8. */
  static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * Routes FFmpeg's log through Java once per JVM: lines of a thread that captures go to its capture, the others
   * are printed to stderr as FFmpeg itself would, at the same level.
   */
  private static synchronized void installCallback() {
    if (installed != null) {
      return;
    }
    installed = new LogCallback() {
      @Override
      public void call(int level, BytePointer message) {
        if (level > av_log_get_level()) {
          return;
        }
        String line = message.getString(StandardCharsets.UTF_8);
        Capture capture = CAPTURE.get();
        if (capture != null && level <= AV_LOG_ERROR) {
          capture.add(line);
        } else {
          System.err.print(line);
        }
      }
    }.retainReference(); // FFmpeg holds the native pointer for the life of the JVM
    setLogCallback(installed);
  }

  /** Error lines FFmpeg logged on one thread. */
  public static final class Capture implements AutoCloseable {
    // "[libx264 @ 0x55d0c8a3c000] ": names an address that differs on every run, so it stays out of messages.
    private static final Pattern PREFIX = Pattern.compile("^(\\[[^\\]]* @ 0x[0-9a-fA-F]+\\] ?)+");
    private final Capture outer;
    private final StringBuilder text = new StringBuilder(); // a line may come in several calls

    private Capture(Capture outer) {
      this.outer = outer;
    }

    private void add(String line) {
      text.append(line);
    }

    /** What FFmpeg logged, one line each, without the "[codec @ 0x…]" prefixes; empty when it logged nothing. */
    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (String line : text.toString().split("\n")) {
        String clean = PREFIX.matcher(line).replaceFirst("").strip();
        if (!clean.isEmpty() && !lines.contains(clean)) {
          lines.add(clean);
        }
      }
      return List.copyOf(lines);
    }

    /** The logged lines and then FFmpeg's text for {@code errorCode}, joined by "; ". */
    public String reason(int errorCode) {
      List<String> all = new ArrayList<>(lines());
      all.add(describe(errorCode));
      return String.join("; ", all);
    }

    /**
     * The logged lines and then the message of a JavaCV exception, which names only the failed call
     * ("avcodec_open2() error -22: Could not open video codec."), joined by "; ".
     */
    public String reason(Exception javacv) {
      List<String> all = new ArrayList<>(lines());
      // JavaCV's hint points at its own log switch; the log is already in this message.
      all.add(String.valueOf(javacv.getMessage())
          .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", ""));
      return String.join("; ", all);
    }

    @Override
    public void close() {
      if (outer != null) {
        CAPTURE.set(outer);
      } else {
        CAPTURE.remove();
      }
    }
  }
}
