package io.swiftvr.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The video packets' timestamps, keyframe and damage marks in decode order, as {@link VideoProber} reads them, turned
 * into display order once all are read.
 */
final class PacketTimes {
  private long[] pts = new long[1024];
  boolean[] key = new boolean[1024];
  boolean[] damaged = new boolean[1024];
  private int count;
  long packetsRead; // every packet of the stream, the discarded and empty ones too, as an index counts
  final List<String> findings = new ArrayList<>();
  String firstDamage;

  void add(long value, boolean keyframe, String damage, long bytePosition) {
    if (count == pts.length) {
      pts = Arrays.copyOf(pts, count * 2);
      key = Arrays.copyOf(key, count * 2);
      damaged = Arrays.copyOf(damaged, count * 2);
    }
    pts[count] = value;
    key[count] = keyframe;
    damaged[count] = damage != null;
    if (damage != null && firstDamage == null) {
      firstDamage = (bytePosition >= 0 ? ", at byte " + bytePosition : "") + ": " + damage;
    }
    count++;
  }

  int count() {
    return count;
  }

  /**
   * Drops what precedes the first keyframe: packets before it in decode order, and pictures after it that display
   * before it (they reference frames the stream no longer holds). Decoders output neither.
   */
  int dropUndecodableLead() {
    int first = 0;
    while (first < count && !key[first]) {
      first++;
    }
    if (first == count) {
      int dropped = count;
      count = 0;
      return dropped;
    }
    long keyPts = pts[first];
    int kept = 0;
    for (int i = first; i < count; i++) {
      if (pts[i] >= keyPts) {
        pts[kept] = pts[i];
        key[kept] = key[i];
        damaged[kept] = damaged[i];
        kept++;
      }
    }
    int dropped = count - kept;
    count = kept;
    return dropped;
  }

  /**
   * True when a packet before the first keyframe is itself damaged: then the stream does not start after a cut but
   * with a broken keyframe, and the frames before the next one are frames of the video whose decoding was lost.
   */
  boolean leadDamaged() {
    for (int i = 0; i < count && !key[i]; i++) {
      if (damaged[i]) {
        return true;
      }
    }
    return false;
  }

  /** True when some packet is stored before a packet that displays earlier: B-frames. */
  boolean reordered() {
    for (int i = 1; i < count; i++) {
      if (pts[i] < pts[i - 1]) {
        return true;
      }
    }
    return false;
  }

  long[] ptsInDisplayOrder() {
    long[] sorted = Arrays.copyOf(pts, count);
    Arrays.sort(sorted);
    return sorted;
  }

  /** The display indices of the packets {@code marked} (keyframes, damaged ones), ascending. */
  int[] markedInDisplayOrder(boolean[] marked, long[] displayPts) {
    int[] result = new int[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (marked[i]) {
        result[n++] = Arrays.binarySearch(displayPts, pts[i]);
      }
    }
    int[] indices = Arrays.copyOf(result, n);
    Arrays.sort(indices);
    return indices;
  }
}
