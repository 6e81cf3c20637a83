package io.swiftvr.jobs.cli;

import io.swiftvr.media.EncoderSettings;
import picocli.CommandLine.Option;

/** The encoder of the restored video: codec, quality, preset, bit depth. */
final class EncoderOptions {
  @Option(names = "--codec", paramLabel = "C", defaultValue = "libx264",
      description = "libx264, libx265, h264_nvenc, hevc_nvenc, or for editors prores_ks (ProRes 422 HQ, .mov), "
          + "dnxhd (DNxHR HQX, .mov) or ffv1 (lossless, .mkv) (default: ${DEFAULT-VALUE})")
  String codec;

  @Option(names = "--crf", paramLabel = "N", defaultValue = "18", converter = WholeNumber.class,
      description = "encoder quality, 0..51, lower is better (default: ${DEFAULT-VALUE})")
  int crf;

  @Option(names = "--preset", paramLabel = "P", defaultValue = "medium",
      description = "encoder preset (default: ${DEFAULT-VALUE})")
  String preset;

  @Option(names = "--bit-depth", paramLabel = "B", converter = WholeNumber.class,
      description = "bits per sample of the output, 8 or 10 (default: the source's: 10 for a 10-bit source, 8 "
          + "otherwise)")
  Integer bitDepth;

  /** The checked settings; an unknown codec, a quality out of range or a bad bit depth is an IllegalArgumentException. */
  EncoderSettings settings() {
    return new EncoderSettings(codec, crf, preset, bitDepth);
  }
}
