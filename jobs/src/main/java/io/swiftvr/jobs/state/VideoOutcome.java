package io.swiftvr.jobs.state;

import io.swiftvr.jobs.plan.RejectedInput;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.planner.VideoProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the video report: a published restored video, or why there is none.
 *
 * @param status {@code restored}; {@code reused} (published by an earlier run with the same input and parameters);
 *     {@code failed} (with the reason); {@code pending} (shards still to run: rerun {@code restore})
 * @param damage what the probe found wrong in the source's packets ({@code --damaged repair} restored it anyway), or
 *     null
 * @param repaired the frames the decoder lost, filled from the last good one, with their source timestamps
 *     ("137-143 (6.850 s to 7.150 s)"), or null when none was
 * @param inBits bits per sample of the source (8, 10, 12), null where not known (failed, or an older run's row)
 * @param outBits bits per sample of the published video (8 or 10), null where none was published
 * @param hdr the source's HDR transfer and static metadata ({@code ColourInfo.hdrDescription}), which the output
 *     carries too; null for SDR
 */
public record VideoOutcome(
    String input,
    String output,
    String status,
    String error,
    int frames,
    double videoSeconds,
    int inWidth,
    int inHeight,
    int outWidth,
    int outHeight,
    double decodeSeconds,
    double modelSeconds,
    double encodeSeconds,
    double mergeSeconds,
    String device,
    String damage,
    String repaired,
    Integer inBits,
    Integer outBits,
    String hdr) implements java.io.Serializable {

  public static VideoOutcome failed(String input, String error) {
    return new VideoOutcome(input, null, "failed", error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null,
        null);
  }

  public static VideoOutcome pending(String input, String error) {
    return new VideoOutcome(input, null, "pending", error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null,
        null);
  }

  /** @param outBits bits per sample of the published video */
  public static VideoOutcome restored(VideoPlan video, String output, List<ShardOutcome> shards, double mergeSeconds,
      int outBits) {
    VideoProbe probe = video.probe();
    double decode = 0;
    double model = 0;
    double encode = 0;
    String device = null;
    List<String> repaired = new ArrayList<>();
    for (ShardOutcome s : shards) {
      decode += s.result().decodeSeconds();
      model += s.result().modelSeconds();
      encode += s.result().encodeSeconds();
      device = s.result().device();
      if (!s.result().repaired().isEmpty()) {
        repaired.add(s.result().repaired());
      }
    }
    return new VideoOutcome(video.input(), output, "restored", null, probe.frameCount(),
        probe.durationSeconds(), probe.width(), probe.height(), video.outputSize().width(), video.outputSize().height(),
        decode, model, encode, mergeSeconds, device, probe.damage().isEmpty() ? null : probe.damage().describe(),
        repaired.isEmpty() ? null : String.join(", ", repaired), probe.bitsPerSample(), outBits,
        probe.colour() == null ? null : probe.colour().hdrDescription());
  }

  /** The same published video seen by a later run: no work was done for it. */
  public VideoOutcome asReused() {
    return new VideoOutcome(input, output, "reused", null, frames, videoSeconds, inWidth, inHeight, outWidth,
        outHeight, 0, 0, 0, 0, device, damage, repaired, inBits, outBits, hdr);
  }

  /** A rejected input as a row of the video report. */
  public static VideoOutcome rejected(RejectedInput input) {
    return failed(input.input(), input.error());
  }

  public boolean ok() {
    return "restored".equals(status) || "reused".equals(status);
  }
}
