package io.swiftvr.media;

/**
 * Finds where a Matroska demuxer skipped part of the file. It reads a file front to back and, where an element is
 * broken, resynchronises at the next cluster without always saying so: the only trace is a hole between one packet's
 * bytes and the next one's. Between blocks of a sound file there are only element headers (tens of bytes), so a hole
 * over {@value #HOLE_BYTES} bytes is data that could not be read. Other containers are left alone: MP4 reads its
 * streams' chunks in time order, not file order, so its holes mean nothing.
 */
final class SkippedBytes {
  static final int HOLE_BYTES = 1024;

  private final boolean applies;
  private long lastPos = -1;
  private long end = -1;
  private long firstHoleAt = -1;
  private long firstHoleBytes;
  private int holes;

  SkippedBytes(String containerName) {
    applies = containerName.startsWith("matroska");
  }

  /** Notes a packet of any stream, at {@code pos} (-1: unknown) with {@code size} bytes. */
  void packet(long pos, int size) {
    if (!applies || pos < 0) {
      return;
    }
    if (pos == lastPos) {
      end += size; // frames laced in one block share its position
      return;
    }
    if (end >= 0 && pos - end > HOLE_BYTES) {
      if (holes++ == 0) {
        firstHoleAt = end;
        firstHoleBytes = pos - end;
      }
    }
    lastPos = pos;
    end = pos + size;
  }

  /** The finding, or null when nothing was skipped. */
  String finding() {
    if (holes == 0) {
      return null;
    }
    return String.format("the demuxer skipped %d bytes it could not read from byte %d%s", firstHoleBytes,
        firstHoleAt, holes > 1 ? String.format(" (and %d more such parts)", holes - 1) : "");
  }
}
