package io.swiftvr.bench;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Clip tools for the multi-GPU run (gpu-machine/multi-gpu-run), for hosts with Java but no ffmpeg command:
 *
 * <pre>
 *   make-clip SRC OUT WxH FRAMES [FPS] [GOP]   SRC scaled to WxH, played forwards and backwards until FRAMES frames,
 *                                              H.264 (x264 veryfast, crf 18, a keyframe every GOP frames) in MP4
 *   hashes VIDEO OUT_TXT                       one line per decoded frame: index, timestamp (µs), SHA-256 of its
 *                                              BGR24 pixels; a last line "all" with the SHA-256 over the lines
 *   compare A B                                frame by frame: equal hashes, else PSNR and the largest difference
 * </pre>
 */
public final class ClipTools {
  private ClipTools() {}

  public static void main(String[] args) throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    switch (args.length == 0 ? "" : args[0]) {
      case "make-clip" -> makeClip(Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]),
          args.length > 5 ? Double.parseDouble(args[5]) : 24, args.length > 6 ? Integer.parseInt(args[6]) : 48,
          args.length > 7 ? Integer.parseInt(args[7]) : 8);
      case "hashes" -> System.out.println(hashes(Path.of(args[1]), Path.of(args[2])));
      case "compare" -> System.exit(compare(Path.of(args[1]), Path.of(args[2])) ? 0 : 1);
      default -> {
        System.err.println("usage: ClipTools make-clip SRC OUT WxH FRAMES [FPS] [GOP] [BITS] | hashes VIDEO OUT_TXT"
            + " | compare A B");
        System.exit(2);
      }
    }
  }

  static void makeClip(Path src, Path out, String size, int frames, double fps, int gop) throws IOException {
    makeClip(src, out, size, frames, fps, gop, 8);
  }

  /** {@code bits} 10: H.264 High 10 (a 10-bit source for the 10-bit path's benchmark), else 8-bit 4:2:0. */
  static void makeClip(Path src, Path out, String size, int frames, double fps, int gop, int bits)
      throws IOException {
    int width = Integer.parseInt(size.substring(0, size.indexOf('x')));
    int height = Integer.parseInt(size.substring(size.indexOf('x') + 1));
    List<Frame> source = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(src.toFile())) {
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
      grabber.setPixelFormat(AV_PIX_FMT_BGR24);
      grabber.start();
      for (Frame f; (f = grabber.grabImage()) != null; ) {
        source.add(f.clone());
      }
    }
    if (source.isEmpty()) {
      throw new IOException(src + " has no video frames");
    }
    Path temp = out.resolveSibling(out.getFileName() + ".tmp.mp4");
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(temp.toFile(), width, height, 0)) {
      recorder.setFormat("mp4");
      recorder.setVideoCodecName("libx264");
      recorder.setPixelFormat(bits == 10 ? avutil.AV_PIX_FMT_YUV420P10LE : AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setGopSize(gop);
      recorder.setVideoOption("preset", "veryfast");
      recorder.setVideoOption("crf", "18");
      recorder.start();
      int period = Math.max(1, 2 * source.size() - 2); // 0 1 … n-1 n-2 … 1, then again
      for (int i = 0; i < frames; i++) {
        int k = source.size() == 1 ? 0 : i % period;
        recorder.record(source.get(k < source.size() ? k : period - k));
      }
      recorder.stop();
    }
    Files.move(temp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.printf(Locale.ROOT, "%s: %d frames %dx%d at %.3f fps (%.1f s), GOP %d, %d-bit, from %d frames of %s%n",
        out, frames, width, height, fps, frames / fps, gop, bits, source.size(), src);
  }

  /** Writes the per-frame hashes of a video; returns a one-line summary. */
  static String hashes(Path video, Path outFile) throws IOException, NoSuchAlgorithmException {
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    int n = 0;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8))) {
      grabber.setPixelFormat(AV_PIX_FMT_BGR24);
      grabber.start();
      for (Frame f; (f = grabber.grabImage()) != null; n++) {
        String line = n + " " + f.timestamp + " " + HexFormat.of().formatHex(pixels(f, MessageDigest.getInstance(
            "SHA-256")).digest());
        out.println(line);
        all.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      String digest = HexFormat.of().formatHex(all.digest());
      out.println("all " + n + " " + digest);
      return video + ": " + n + " frames, sha256 over frames " + digest;
    }
  }

  static boolean compare(Path a, Path b) throws IOException, NoSuchAlgorithmException {
    int n = 0;
    int equal = 0;
    int sameTime = 0;
    double worstPsnr = Double.POSITIVE_INFINITY;
    double sumPsnr = 0;
    int maxDiff = 0;
    try (FFmpegFrameGrabber ga = new FFmpegFrameGrabber(a.toFile());
        FFmpegFrameGrabber gb = new FFmpegFrameGrabber(b.toFile())) {
      ga.setPixelFormat(AV_PIX_FMT_BGR24);
      gb.setPixelFormat(AV_PIX_FMT_BGR24);
      ga.start();
      gb.start();
      while (true) {
        Frame fa = ga.grabImage();
        Frame fb = gb.grabImage();
        if (fa == null || fb == null) {
          int extraA = fa == null ? 0 : 1;
          int extraB = fb == null ? 0 : 1;
          while (fa != null && ga.grabImage() != null) {
            extraA++;
          }
          while (fb != null && gb.grabImage() != null) {
            extraB++;
          }
          if (extraA + extraB > 0) {
            System.out.printf("frame counts differ: %d more in %s, %d more in %s%n", extraA, a, extraB, b);
            return false;
          }
          break;
        }
        n++;
        if (fa.timestamp == fb.timestamp) {
          sameTime++;
        }
        if (fa.imageWidth != fb.imageWidth || fa.imageHeight != fb.imageHeight) {
          System.out.printf("frame %d: sizes differ%n", n - 1);
          return false;
        }
        long[] d = difference(fa, fb);
        if (d[0] == 0) {
          equal++;
        } else {
          double mse = (double) d[0] / ((long) fa.imageWidth * fa.imageHeight * 3);
          double psnr = 10 * Math.log10(255.0 * 255.0 / mse);
          worstPsnr = Math.min(worstPsnr, psnr);
          sumPsnr += psnr;
          maxDiff = Math.max(maxDiff, (int) d[1]);
        }
      }
    }
    boolean same = equal == n && sameTime == n;
    System.out.printf(Locale.ROOT, "%s vs %s: %d frames, %d identical, %d with equal timestamps%s%n", a, b, n, equal,
        sameTime, equal == n ? "" : String.format(Locale.ROOT, "; differing frames: worst PSNR %.2f dB, mean %.2f dB,"
            + " largest pixel difference %d", worstPsnr, sumPsnr / (n - equal), maxDiff));
    System.out.println(same ? "FRAME-EXACT" : "NOT FRAME-EXACT");
    return same;
  }

  private static MessageDigest pixels(Frame f, MessageDigest md) {
    ByteBuffer buf = ((ByteBuffer) f.image[0]).duplicate();
    int row = f.imageWidth * f.imageChannels;
    byte[] line = new byte[row];
    for (int y = 0; y < f.imageHeight; y++) {
      buf.position(y * f.imageStride);
      buf.get(line);
      md.update(line);
    }
    return md;
  }

  /** Sum of squared differences and the largest absolute difference over all samples. */
  private static long[] difference(Frame a, Frame b) {
    ByteBuffer ba = ((ByteBuffer) a.image[0]).duplicate();
    ByteBuffer bb = ((ByteBuffer) b.image[0]).duplicate();
    int row = a.imageWidth * a.imageChannels;
    long sse = 0;
    long max = 0;
    for (int y = 0; y < a.imageHeight; y++) {
      int oa = y * a.imageStride;
      int ob = y * b.imageStride;
      for (int x = 0; x < row; x++) {
        int d = Math.abs((ba.get(oa + x) & 0xff) - (bb.get(ob + x) & 0xff));
        sse += (long) d * d;
        max = Math.max(max, d);
      }
    }
    return new long[] {sse, max};
  }
}
