package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.video.EncoderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputTableTest {

  private static ShardOutcome shard(String device, int frames, double seconds) {
    return new ShardOutcome("v", "in.mp4", 0, 1, "restored", null,
        new ShardResult("v", 0, frames, frames, frames, 1, seconds - 2, 1, seconds, device), "seg", "host", "0");
  }

  @Test
  void groupsByDeviceAndPricesAnHourOfVideo(@TempDir Path dir) throws Exception {
    long[] pts = new long[240];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = i;
    }
    VideoProbe probe = new VideoProbe("in.mp4", 0, "mp4", "h264", 64, 48, 0, 1, 24, 24, 1, false, false, 0, pts,
        new int[] {0}, new ColourInfo(null, null, null, null), List.of());
    VideoPlan video = new VideoPlan("v", "in.mp4", probe, List.<Shard>of(), 128, 96, "in.swiftvr.mp4");
    JobPlan plan = new JobPlan(dir.toString(), "m", "m", "f", EncoderSettings.defaults(), "auto", "now",
        List.of(video), List.of());
    List<ThroughputTable.Row> rows = ThroughputTable.compute(plan, List.of(
        shard("NVIDIA H100 80GB HBM3", 240, 5), shard("NVIDIA H100 80GB HBM3", 240, 5), shard("CPU x2", 240, 40)),
        Map.of("H100", 3.0));
    assertEquals(2, rows.size());
    ThroughputTable.Row h100 = rows.get(0);
    assertEquals(480, h100.frames());
    assertEquals(20.0, h100.videoSeconds(), 1e-9, "480 frames at 24 fps");
    assertEquals(48.0, h100.fps(), 1e-9);
    assertEquals(0.5, h100.deviceSecondsPerVideoSecond(), 1e-9);
    assertEquals(1.5, h100.usdPerVideoHour(), 1e-9, "half a device-hour per video hour at $3/h");
    assertTrue(Double.isNaN(rows.get(1).usdPerVideoHour()), "no price for the CPU");

    Path csv = Files.writeString(dir.resolve("throughput.csv"), ThroughputTable.csv(rows));
    Map<String, Double> read = ThroughputTable.readSecondsPerVideoSecond(csv);
    assertEquals(0.5, read.get("NVIDIA H100 80GB HBM3"), 1e-9);
    assertEquals(4.0, read.get("CPU x2"), 1e-9);
  }

  @Test
  void priceTablesNameTheirBadLine(@TempDir Path dir) throws Exception {
    Path prices = Files.writeString(dir.resolve("prices.csv"), "device,usd_per_hour\n# comment\nH100,2.5\nA10G,cheap\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThroughputTable.readPrices(prices));
    assertEquals(prices + " line 4: price 'cheap' is not a number", e.getMessage());
  }
}
