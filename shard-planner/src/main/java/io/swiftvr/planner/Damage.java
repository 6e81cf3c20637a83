package io.swiftvr.planner;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What the probe found wrong in a video's packets, without decoding: {@code findings} says what and where, one
 * sentence each (FFmpeg's own words in brackets), and {@code frames} lists the display indices of the frames whose
 * packets are damaged, which a decoder is likely to lose. A cut-off end is a finding without frames when every packet
 * that remains is whole.
 */
public record Damage(List<String> findings, int[] frames) implements Serializable {
  public static final Damage NONE = new Damage(List.of(), new int[0]);

  public Damage {
    findings = List.copyOf(findings);
    frames = frames.clone();
  }

  public boolean isEmpty() {
    return findings.isEmpty();
  }

  /** The findings joined by "; ", for messages and reports. */
  public String describe() {
    return String.join("; ", findings);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Damage d && findings.equals(d.findings) && Arrays.equals(frames, d.frames);
  }

  @Override
  public int hashCode() {
    return 31 * findings.hashCode() + Arrays.hashCode(frames);
  }

  @Override
  public String toString() {
    return isEmpty() ? "no damage found" : describe();
  }
}
