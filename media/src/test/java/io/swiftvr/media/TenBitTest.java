package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB48LE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.DamagePolicy;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 10-bit HDR sources through decode, encode and merge on real FFmpeg: probed with their depth, colour tags and HDR10
 * metadata; decoded to 16-bit RGB and written as 10-bit, a smooth ramp keeps several times the levels the 8-bit path
 * leaves it; the output carries the source's tags and HDR10 metadata.
 */
class TenBitTest {
  private static final int WIDTH = 96;
  private static final int HEIGHT = 64;
  private static final int FRAMES = 6;

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"libx265", "libx264", "prores_ks"})
  void probeReadsDepthColourTagsAndHdrMetadata(String codec) throws Exception {
    Path clip = TenBitClips.write(dir.resolve("clip." + (codec.equals("prores_ks") ? "mov" : "mp4")), codec, WIDTH,
        HEIGHT, FRAMES);
    ColourInfo colour = new VideoProber().probe(clip.toString()).colour();
    // MOV's colour box (nclc) has no range flag: a ProRes clip's range is the decoder's to say, not the container's
    String range = codec.equals("prores_ks") ? "unknown" : "tv";
    assertEquals(new ColourInfo(range, "bt2020", "smpte2084", "bt2020nc", 10, TenBitClips.MASTERING,
        TenBitClips.CONTENT_LIGHT), colour);
    assertTrue(colour.isDeep() && colour.isHdrTransfer());
  }

  @Test
  void eightBitSourceIsProbedAsEightBitWithoutHdrMetadata() throws Exception {
    ColourInfo colour = new VideoProber().probe(TestMedia.realShort().toString()).colour();
    assertEquals(8, colour.bitsPerSample());
    assertNull(colour.masteringDisplay());
    assertNull(colour.contentLight());
    assertEquals(8, EncoderSettings.defaults().bitDepthFor(colour.bitsPerSample()), "an 8-bit source stays 8-bit");
  }

  @Test
  void tenBitSourceComesOutTenBitWithItsRampAndHdrMetadata() throws Exception {
    VideoProbe source = new VideoProber().probe(
        TenBitClips.write(dir.resolve("hdr10.mp4"), "libx265", WIDTH, HEIGHT, FRAMES).toString());
    EncoderSettings x265 = new EncoderSettings("libx265", 4, "ultrafast");
    assertEquals(10, x265.bitDepthFor(source.colour().bitsPerSample()), "the source's depth by default");

    Path ten = passThrough(source, 2, x265.withBitDepth(10), "ten.mp4");
    Path eight = passThrough(source, 1, x265.withBitDepth(8), "eight.mp4");

    VideoProbe tenOut = new VideoProber().probe(ten.toString());
    assertEquals(source.colour(), tenOut.colour(), "10 bits, BT.2020, PQ, limited range, mastering display, CLL");
    assertEquals(FRAMES, tenOut.frameCount());
    assertEquals(8, new VideoProber().probe(eight.toString()).colour().bitsPerSample());
    int tenLevels = rampLevels(ten);
    int eightLevels = rampLevels(eight);
    // 24000..28000 of 65535 across 96 pixels: ~53 luma codes in 10 bits, ~13 in 8 (the banding of a graded sky;
    // the 8-bit path's dither adds a few)
    assertTrue(tenLevels >= 2 * eightLevels, "ramp levels: 10-bit path " + tenLevels + ", 8-bit " + eightLevels);
    assertTrue(tenLevels >= 30, "ramp levels: 10-bit path " + tenLevels); // 42 of the source's 51 on 2026-12-06
  }

  /**
   * HDR10 metadata only in the source's bitstream (x265's SEI, no container boxes) is read from its first frame, and
   * the output's container gets it whatever the codec: libx264 writes no HDR SEI of its own.
   */
  @Test
  void hdrMetadataOnlyInTheBitstreamIsReadAndWrittenIntoTheOutputsContainer() throws Exception {
    Path clip = TenBitClips.writeBitstreamHdrOnly(dir.resolve("sei-only.mp4"), WIDTH, HEIGHT, FRAMES);
    try (org.bytedeco.javacv.FFmpegFrameGrabber grabber = new org.bytedeco.javacv.FFmpegFrameGrabber(clip.toFile())) {
      grabber.start(); // the container itself says nothing: what the probe reports below comes from the bitstream
      org.bytedeco.ffmpeg.avcodec.AVCodecParameters par = grabber.getFormatContext().streams(0).codecpar();
      assertNull(HdrMetadata.masteringDisplay(par));
      assertNull(HdrMetadata.contentLight(par));
    }
    VideoProbe source = new VideoProber().probe(clip.toString());
    assertEquals(TenBitClips.MASTERING, source.colour().masteringDisplay());
    assertEquals(TenBitClips.CONTENT_LIGHT, source.colour().contentLight());

    Path out = passThrough(source, 2, new EncoderSettings("libx264", 18, "ultrafast", 10), "x264.mp4");
    try (org.bytedeco.javacv.FFmpegFrameGrabber grabber = new org.bytedeco.javacv.FFmpegFrameGrabber(out.toFile())) {
      grabber.start();
      org.bytedeco.ffmpeg.avcodec.AVCodecParameters par = grabber.getFormatContext().streams(0).codecpar();
      assertEquals(TenBitClips.MASTERING, HdrMetadata.masteringDisplay(par));
      assertEquals(TenBitClips.CONTENT_LIGHT, HdrMetadata.contentLight(par));
    }
  }

  @Test
  void theMasteringDisplayNotationReadsBackAsWritten() {
    assertEquals(TenBitClips.MASTERING,
        HdrMetadata.masteringDisplay(HdrMetadata.parseMasteringDisplay(TenBitClips.MASTERING)));
    assertEquals("1000,400", HdrMetadata.contentLight(HdrMetadata.parseContentLight("1000,400")));
    assertEquals("Mastering display L(1,2): G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min) expected",
        assertThrows(IllegalArgumentException.class, () -> HdrMetadata.parseMasteringDisplay("L(1,2)")).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"prores_ks", "dnxhd", "ffv1"})
  void intermediatesForEditorsAreTenBitWithTheSourcesColourAndHdrMetadata(String codec) throws Exception {
    boolean dnxhr = codec.equals("dnxhd"); // DNxHR takes frames of 256x120 and up
    VideoProbe source = new VideoProber().probe(TenBitClips.write(dir.resolve("hdr10.mp4"), "libx265",
        dnxhr ? 256 : WIDTH, dnxhr ? 128 : HEIGHT, FRAMES).toString());
    EncoderSettings settings = new EncoderSettings(codec, 18, "medium");
    assertEquals(codec.equals("ffv1") ? 8 : 10, settings.bitDepthFor(8), "ProRes and DNxHR are 10-bit only");
    assertEquals(10, settings.bitDepthFor(10));
    Path out = passThrough(source, 2, settings.withBitDepth(10), codec + "." + settings.container());
    VideoProbe restored = new VideoProber().probe(out.toString());
    ColourInfo want = source.colour();
    if (codec.equals("prores_ks")) { // MOV's colour box has no range flag (DNxHR's own header has one)
      want = new ColourInfo("unknown", want.primaries(), want.transfer(), want.space(), 10, want.masteringDisplay(),
          want.contentLight());
    }
    assertEquals(want, restored.colour());
    assertEquals(FRAMES, restored.frameCount());
    assertTrue(rampLevels(out) >= 30, "ramp levels " + rampLevels(out));
  }

  @Test
  void proresAndDnxhrAreTenBitOnly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EncoderSettings("prores_ks", 18, "medium", 8));
    assertEquals("Encoder prores_ks writes 10-bit samples only (ProRes 422 HQ); drop --bit-depth 8 or choose another "
        + "codec", e.getMessage());
    assertEquals("Encoder dnxhd writes 10-bit samples only (DNxHR HQX); drop --bit-depth 8 or choose another codec",
        assertThrows(IllegalArgumentException.class, () -> new EncoderSettings("dnxhd", 18, "medium", 8))
            .getMessage());
  }

  @Test
  void eightBitCodecsRefuseTenBits() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EncoderSettings("h264_nvenc", 18, "p5", 10));
    assertEquals("Encoder h264_nvenc writes 8-bit samples only; 10-bit output needs one of "
        + "[libx264, libx265, hevc_nvenc, prores_ks, dnxhd, ffv1]", e.getMessage());
    assertEquals(8, new EncoderSettings("h264_nvenc", 18, "p5").bitDepthFor(10));
  }

  /** Decodes the source with samples of {@code sampleBytes}, encodes as {@code settings}, merges as the job does. */
  private Path passThrough(VideoProbe source, int sampleBytes, EncoderSettings settings, String name)
      throws Exception {
    Path segment = dir.resolve("segment-" + name);
    int width = source.width();
    int height = source.height();
    int frameBytes = width * height * 3 * sampleBytes;
    byte[] frame = new byte[frameBytes];
    try (FrameSource frames = FrameSource.open(source, 0, DamagePolicy.FAIL, new FrameSize(width, height),
        sampleBytes);
        SegmentEncoder encoder = new SegmentEncoder(segment, width, height, source.frameRate(), settings, 1,
            sampleBytes, source.colour(), FRAMES)) {
      assertEquals(frameBytes, encoder.frameBytes());
      for (int i = 0; i < FRAMES; i++) {
        frames.read(frame, 0);
        encoder.write(frame, 0);
      }
    }
    Path output = dir.resolve(name);
    new SegmentMerger().merge(source, List.of(segment), new int[] {0}, output);
    return output;
  }

  /** Distinct green values along a row of the ramp in the output's first frame, decoded to 16 bits. */
  private static int rampLevels(Path video) throws Exception {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toString())) {
      grabber.setPixelFormat(AV_PIX_FMT_RGB48LE);
      grabber.start();
      Frame frame = grabber.grabImage();
      ByteBuffer rgb = ((ByteBuffer) frame.image[0]).order(ByteOrder.LITTLE_ENDIAN);
      Set<Integer> levels = new HashSet<>();
      int row = TenBitClips.RAMP_ROWS / 2;
      for (int x = 0; x < frame.imageWidth; x++) {
        levels.add(rgb.getShort(row * frame.imageStride + x * 6 + 2) & 0xFFFF);
      }
      return levels.size();
    }
  }
}
