package io.swiftvr.media;

import java.util.Arrays;

/**
 * The frames a damaged constant-rate stream lost entirely: a demuxer that meets broken container structure (Matroska
 * elements, MPEG-TS packets) skips to the next readable part, and the frames in between leave no packet, only a gap
 * in the timestamps that is a whole number of frame durations. Used only where the probe found damage: gaps in a sound
 * file are the file's own timing (variable frame rate, frames dropped when it was recorded).
 */
final class TimestampGaps {
  private TimestampGaps() {}

  /** The timestamps missing from ascending {@code pts}, at the stream's usual frame spacing; empty when none is. */
  static long[] missing(long[] pts) {
    if (pts.length < 3) {
      return new long[0];
    }
    long[] deltas = new long[pts.length - 1];
    for (int i = 1; i < pts.length; i++) {
      deltas[i - 1] = pts[i] - pts[i - 1];
    }
    long[] sorted = deltas.clone();
    Arrays.sort(sorted);
    long frame = sorted[sorted.length / 2];
    long jitter = Math.max(1, frame / 50); // timestamps rounded to the time base
    int regular = 0;
    for (long d : deltas) {
      if (Math.abs(d - frame) <= jitter) {
        regular++;
      }
    }
    if (frame <= 0 || regular < 0.9 * deltas.length) {
      return new long[0]; // not a constant-rate stream: its gaps cannot be told from its timing
    }
    long[] found = new long[0];
    for (int i = 0; i < deltas.length; i++) {
      long frames = Math.round((double) deltas[i] / frame);
      if (frames >= 2 && Math.abs(deltas[i] - frames * frame) <= jitter * frames) {
        int at = found.length;
        found = Arrays.copyOf(found, at + (int) frames - 1);
        for (int k = 1; k < frames; k++) {
          found[at + k - 1] = pts[i] + Math.round((double) deltas[i] * k / frames);
        }
      }
    }
    return found;
  }
}
