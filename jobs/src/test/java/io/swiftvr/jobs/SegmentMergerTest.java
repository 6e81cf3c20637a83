package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSource;
import io.swiftvr.media.SegmentEncoder;
import io.swiftvr.media.SegmentMerger;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge on its own, without a model: the source's own frames are encoded into two segments, merged, and the
 * result must have the source's frame count, its timestamps and its audio packets bit for bit.
 */
class SegmentMergerTest {

  /** The source's own frames, encoded into two segments starting at frames 0 and 20. */
  private static List<Path> encodeSegments(VideoProbe source, int[] firstFrames, Path dir) throws Exception {
    List<Path> segments = List.of(dir.resolve("a.mp4"), dir.resolve("b.mp4"));
    byte[] frame = new byte[source.width() * source.height() * 3];
    try (FrameSource frames = FrameSource.open(source, 0)) {
      for (int s = 0; s < 2; s++) {
        int end = s == 0 ? firstFrames[1] : source.frameCount();
        try (SegmentEncoder encoder = new SegmentEncoder(
            segments.get(s), source.width(), source.height(), source.frameRate(), EncoderSettings.defaults())) {
          for (int i = firstFrames[s]; i < end; i++) {
            frames.read(frame, 0);
            encoder.write(frame, 0);
          }
        }
      }
    }
    return segments;
  }

  /**
   * The sample carries a creation_time; the re-cut clip has none, which is when Matroska would write the time of
   * writing. Each source is merged into Matroska and MP4 twice, a second apart.
   */
  @Test
  void mergingTheSameSegmentsTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
    Path undated = EdgeClips.write(dir.resolve("undated.mp4"), EdgeClips.frames(30));
    for (Path clip : List.of(TestMedia.realShort(), undated)) {
      VideoProbe source = new VideoProber().probe(clip.toString());
      int[] firstFrames = {0, 20};
      Path work = Files.createDirectories(dir.resolve(clip.getFileName() + "-merged"));
      List<Path> segments = encodeSegments(source, firstFrames, work);
      for (String container : List.of("mkv", "mp4")) {
        Path first = work.resolve("first." + container);
        Path second = work.resolve("second." + container);
        new SegmentMerger().merge(source, segments, firstFrames, first);
        Thread.sleep(1100); // a muxer that wrote the time of writing now writes another second
        new SegmentMerger().merge(source, segments, firstFrames, second);
        assertEquals(-1L, Files.mismatch(first, second), clip.getFileName() + " into " + container + " differs");
      }
    }
  }

  @Test
  void mergedFileHasTheSourceFramesTimestampsAndAudio(@TempDir Path dir) throws Exception {
    VideoProbe source = new VideoProber().probe(TestMedia.realShort().toString());
    int[] firstFrames = {0, 20};
    List<Path> segments = encodeSegments(source, firstFrames, dir);

    Path output = dir.resolve("merged.mp4");
    SegmentMerger.MergeResult result = new SegmentMerger().merge(source, segments, firstFrames, output);

    VideoProbe merged = new VideoProber().probe(output.toString());
    assertEquals(source.frameCount(), merged.frameCount());
    assertEquals(source.frameCount(), result.videoPackets());
    assertTrue(result.droppedStreams().isEmpty(), result.droppedStreams().toString());
    double[] sourceSeconds = MediaAssertions.frameSeconds(source);
    double[] mergedSeconds = MediaAssertions.frameSeconds(merged);
    assertArrayEquals(sourceSeconds, mergedSeconds, 1e-6, "every frame keeps its source timestamp");

    List<MediaAssertions.AudioPacket> sourceAudio = MediaAssertions.audioPackets(source.uri());
    List<MediaAssertions.AudioPacket> mergedAudio = MediaAssertions.audioPackets(output.toString());
    assertTrue(sourceAudio.size() > 40, "the sample has audio: " + sourceAudio.size() + " packets");
    assertEquals(sourceAudio.size(), mergedAudio.size());
    for (int i = 0; i < sourceAudio.size(); i++) {
      assertEquals(sourceAudio.get(i).sha256(), mergedAudio.get(i).sha256(), "audio packet " + i + " copied as is");
      assertEquals(sourceAudio.get(i).seconds(), mergedAudio.get(i).seconds(), 1e-6, "audio packet " + i + " time");
    }
  }
}
