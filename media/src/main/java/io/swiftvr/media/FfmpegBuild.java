package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.av_version_info;

import org.bytedeco.ffmpeg.avcodec.AVCodec;

/** What the FFmpeg build JavaCV loaded is: its version, and which decoders were compiled into it. */
public final class FfmpegBuild {
  private FfmpegBuild() {}

  public static String version() {
    return av_version_info().getString();
  }

  /** Whether a decoder of this name was compiled in; that says nothing of the machine (cuvid needs NVIDIA's driver). */
  public static boolean hasDecoder(String name) {
    AVCodec decoder = avcodec_find_decoder_by_name(name);
    return decoder != null && !decoder.isNull();
  }
}
