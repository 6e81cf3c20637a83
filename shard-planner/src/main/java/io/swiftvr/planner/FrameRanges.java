package io.swiftvr.planner;

import java.util.Locale;

/** Frame indices as a user reads them: runs collapsed ("137-143, 190") with their times in seconds. */
public final class FrameRanges {
  private FrameRanges() {}

  /**
   * "137-143 (6.850 s to 7.150 s), 190 (9.500 s)" for ascending display indices, with {@code pts} the display-order
   * timestamps in the time base {@code tbNum/tbDen}.
   */
  public static String describe(int[] frames, long[] pts, int tbNum, int tbDen) {
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < frames.length) {
      int j = i;
      while (j + 1 < frames.length && frames[j + 1] == frames[j] + 1) {
        j++;
      }
      if (text.length() > 0) {
        text.append(", ");
      }
      if (i == j) {
        text.append(String.format(Locale.ROOT, "%d (%s)", frames[i], seconds(pts[frames[i]], tbNum, tbDen)));
      } else {
        text.append(String.format(Locale.ROOT, "%d-%d (%s to %s)", frames[i], frames[j],
            seconds(pts[frames[i]], tbNum, tbDen), seconds(pts[frames[j]], tbNum, tbDen)));
      }
      i = j + 1;
    }
    return text.toString();
  }

  /** A timestamp as "6.850 s": the time a player shows for the frame, to the millisecond. */
  public static String seconds(long pts, int tbNum, int tbDen) {
    return String.format(Locale.ROOT, "%.3f s", pts * (double) tbNum / tbDen);
  }
}
