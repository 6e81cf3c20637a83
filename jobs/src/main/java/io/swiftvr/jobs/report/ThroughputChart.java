package io.swiftvr.jobs.report;

import io.swiftvr.udf.ThroughputRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the throughput table as a PNG: one bar per device type, split into the seconds each stage took per second
 * of video (decode, model, encode), with the FPS written on it. Plain Java2D, headless.
 */
public final class ThroughputChart {
  private static final Color[] STAGE_COLOURS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B)};
  private static final String[] STAGES = {"decode", "model", "encode"};

  private ThroughputChart() {}

  static void write(List<ThroughputRow> rows, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int barHeight = 34;
    int width = 1000;
    int left = 330;
    int top = 60;
    int height = top + Math.max(1, rows.size()) * (barHeight + 16) + 60;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString("SwiftVR throughput per device: busy seconds per second of video, by stage", 20, 28);
      double max = 0;
      for (ThroughputRow r : rows) {
        max = Math.max(max, stagesPerVideoSecond(r)[3]);
      }
      double scale = max > 0 ? (width - left - 40) / max : 1;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      int y = top;
      for (ThroughputRow r : rows) {
        g.setColor(Color.BLACK);
        String name = r.device().length() > 44 ? r.device().substring(0, 41) + "..." : r.device();
        g.drawString(name, 20, y + barHeight / 2 + 5);
        double[] s = stagesPerVideoSecond(r);
        int x = left;
        for (int i = 0; i < 3; i++) {
          int w = (int) Math.round(s[i] * scale);
          g.setColor(STAGE_COLOURS[i]);
          g.fillRect(x, y, w, barHeight);
          x += w;
        }
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%.2f fps", r.fps()), Math.min(x + 8, width - 90),
            y + barHeight / 2 + 5);
        y += barHeight + 16;
      }
      g.setStroke(new BasicStroke(1));
      int legendX = left;
      for (int i = 0; i < 3; i++) {
        g.setColor(STAGE_COLOURS[i]);
        g.fillRect(legendX, height - 35, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(STAGES[i], legendX + 20, height - 23);
        legendX += 110;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this Java runtime");
    }
  }

  /** decode, model, encode and their sum, in busy seconds per second of video. */
  private static double[] stagesPerVideoSecond(ThroughputRow r) {
    double v = r.videoSeconds() > 0 ? r.videoSeconds() : 1;
    double d = r.decodeSeconds() / v;
    double m = r.modelSeconds() / v;
    double e = r.encodeSeconds() / v;
    return new double[] {d, m, e, d + m + e};
  }
}
