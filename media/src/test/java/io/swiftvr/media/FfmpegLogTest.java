package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegLogTest {

  @Test
  void errorTextEndsAtFfmpegsTerminator() {
    for (int i = 0; i < 50; i++) {
      // Leave freed native memory full of non-zero bytes where the next 256-byte buffer is likely to come from:
      // reading a buffer past its NUL terminator then shows up as 'x's after the text.
      try (BytePointer dirty = new BytePointer(256)) {
        dirty.fill('x');
      }
      assertEquals("End of file, code -541478725", FfmpegLog.describe(AVERROR_EOF()));
    }
  }

  @Test
  void captureTakesTheLoggedReasonWithoutAddressesAndOnlyOnItsThread(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.mov");
    Files.writeString(text, "plain text\n".repeat(50));
    FfmpegLog.quiet();
    try (FfmpegLog.Capture outer = FfmpegLog.capture()) {
      try (FfmpegLog.Capture inner = FfmpegLog.capture()) {
        int rc = avformat_open_input(new AVFormatContext(null), text.toString(), null, null);
        assertEquals("moov atom not found; Invalid data found when processing input, code -1094995529",
            inner.reason(rc));
      }
      assertEquals(List.of(), outer.lines(), "the inner capture took the lines");
      Thread other = new Thread(() -> avformat_open_input(new AVFormatContext(null), text.toString(), null, null));
      other.start();
      other.join();
      assertEquals(List.of(), outer.lines(), "another thread's log is not this thread's reason");
    }
  }
}
