package io.swiftvr.planner;

import java.util.Locale;

/**
 * What to do with a video whose packets are damaged ({@code --damaged}). {@link #FAIL} rejects it when the probe
 * finds damage, and in the decoder when a frame is lost all the same. {@link #REPAIR} restores it: each frame the
 * decoder loses is filled from the last good one, so the frame count and timing (and so the sync with the audio)
 * stay those of the source, and the repaired timestamps are reported.
 */
public enum DamagePolicy {
  FAIL,
  REPAIR;

  /** {@code fail} or {@code repair}, as the option is spelled; the message of a wrong one says what is expected. */
  public static DamagePolicy parse(String value) {
    for (DamagePolicy policy : values()) {
      if (policy.optionValue().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("expected fail or repair, got '" + value + "'");
  }

  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Under {@link #FAIL}, rejects a probe that found damage, naming the file and what was found; else returns. */
  public void check(VideoProbe probe) throws InvalidVideoException {
    if (this == FAIL && !probe.damage().isEmpty()) {
      throw new InvalidVideoException(probe.uri(), "damaged: " + probe.damage().describe()
          + " (--damaged repair restores it with each lost frame filled from the last good one)");
    }
  }
}
