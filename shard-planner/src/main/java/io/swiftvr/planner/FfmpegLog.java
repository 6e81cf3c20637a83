package io.swiftvr.planner;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.javacpp.BytePointer;

/** FFmpeg's log level and error strings, in one place. */
public final class FfmpegLog {
  private static volatile boolean quieted;

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
    BytePointer buffer = new BytePointer(256);
    try {
      av_strerror(errorCode, buffer, buffer.capacity());
      return buffer.getString() + ", code " + errorCode;
    } finally {
      buffer.close();
    }
  }
}
