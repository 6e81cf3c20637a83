package io.swiftvr.jobs.cli;

import io.swiftvr.media.EncoderSettings;
import picocli.CommandLine.Option;

/** The encoder of the restored video: codec, quality, preset. */
final class EncoderOptions {
  @Option(names = "--codec", paramLabel = "C", defaultValue = "libx264",
      description = "libx264, libx265, h264_nvenc or hevc_nvenc (default: ${DEFAULT-VALUE})")
  String codec;

  @Option(names = "--crf", paramLabel = "N", defaultValue = "18", converter = WholeNumber.class,
      description = "encoder quality, 0..51, lower is better (default: ${DEFAULT-VALUE})")
  int crf;

  @Option(names = "--preset", paramLabel = "P", defaultValue = "medium",
      description = "encoder preset (default: ${DEFAULT-VALUE})")
  String preset;

  /** The checked settings; an unknown codec or a quality out of range is an IllegalArgumentException. */
  EncoderSettings settings() {
    return new EncoderSettings(codec, crf, preset);
  }
}
