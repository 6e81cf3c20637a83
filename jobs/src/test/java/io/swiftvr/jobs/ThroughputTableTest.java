package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.plan.InputIdentity;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.report.ThroughputTable;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.media.EncoderSettings;
import io.swiftvr.media.FrameSize;
import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.ThroughputRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputTableTest {

  private static ShardOutcome shard(String device, int frames, double seconds) {
    return new ShardOutcome("v", "in.mp4", 0, 1, "restored", null,
        new ShardResult("v", 0, frames, frames, frames, 1, seconds - 2, 1, seconds, device), "seg", "host", "0", false);
  }

  @Test
  void groupsByDeviceAndPricesAnHourOfVideo(@TempDir Path dir) throws Exception {
    long[] pts = new long[240];
    for (int i = 0; i < pts.length; i++) {
      pts[i] = i;
    }
    VideoProbe probe = new VideoProbe("in.mp4", 0, "mp4", "h264", 64, 48, 0, 1, 24, 24, 1, false, false, 0, pts,
        new int[] {0}, new ColourInfo(null, null, null, null), List.of());
    VideoPlan video = new VideoPlan("v", "in.mp4", new InputIdentity(1, 1, "00"), probe, List.<Shard>of(),
        new FrameSize(128, 96), "in.swiftvr.mp4", io.swiftvr.planner.DamagePolicy.REPAIR, null,
        null);
    JobPlan plan = new JobPlan(dir.toString(), "m", "m", "f", ChunkGrid.SWIFTVR, 2, EncoderSettings.defaults(), "auto",
        "now",
        List.of(video), List.of(), "");
    List<ThroughputRow> rows = ThroughputTable.compute(plan, List.of(
        shard("NVIDIA H100 80GB HBM3", 240, 5), shard("NVIDIA H100 80GB HBM3", 240, 5), shard("CPU x2", 240, 40)),
        Map.of("H100", 3.0));
    assertEquals(2, rows.size());
    ThroughputRow h100 = rows.get(0);
    assertEquals(480, h100.frames());
    assertEquals(20.0, h100.videoSeconds(), 1e-9, "480 frames at 24 fps");
    assertEquals(48.0, h100.fps(), 1e-9);
    assertEquals(0.5, h100.deviceSecondsPerVideoSecond(), 1e-9);
    assertEquals(1.5, h100.usdPerVideoHour(), 1e-9, "half a device-hour per video hour at $3/h");
    assertTrue(Double.isNaN(rows.get(1).usdPerVideoHour()), "no price for the CPU");

    Path csv = Files.writeString(dir.resolve("throughput.csv"), ThroughputRow.csv(rows));
    Map<String, Double> read = ThroughputTable.readSecondsPerVideoSecond(csv);
    assertEquals(0.5, read.get("NVIDIA H100 80GB HBM3"), 1e-9);
    assertEquals(4.0, read.get("CPU x2"), 1e-9);
  }

  @Test
  void rowsOfOtherRunsJoinTheTablePricedHere(@TempDir Path dir) throws Exception {
    ThroughputRow h200 = ThroughputRow.of("NVIDIA H200", 41, 7684, 320.167, 66.207, 5.964, 35.737, 41.641, Double.NaN);
    ThroughputRow bench = ThroughputRow.of("NVIDIA H100 80GB HBM3, \"official\" 2560x1440", 1, 280, 11.667, 10.08,
        0.5, 8.1, 6.2, Double.NaN);
    Path other = Files.writeString(dir.resolve("other.csv"), ThroughputRow.csv(List.of(h200, bench)));
    ThroughputRow own = ThroughputRow.of("CPU x2", 1, 36, 1.5, 24.2, 0.1, 23.0, 0.4, Double.NaN);

    List<ThroughputRow> rows = ThroughputTable.withAdded(List.of(own), List.of(other), Map.of("H200", 4.0));

    assertEquals(List.of("CPU x2", "NVIDIA H200", "NVIDIA H100 80GB HBM3, \"official\" 2560x1440"),
        rows.stream().map(ThroughputRow::device).toList());
    ThroughputRow read = rows.get(1);
    assertEquals(7684, read.frames());
    assertEquals(7684 / 66.207, read.fps(), 1e-3);
    assertEquals(4.0 * 66.207 / 320.167, read.usdPerVideoHour(), 1e-3, "priced by this report: $4 per device hour");
    assertTrue(Double.isNaN(rows.get(2).usdPerVideoHour()), "no H100 price given");
    assertEquals(bench.deviceSecondsPerVideoSecond(), rows.get(2).deviceSecondsPerVideoSecond(), 1e-4);

    Path notATable = Files.writeString(dir.resolve("prices.csv"), "device,usd_per_hour\nH100,2.5\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ThroughputTable.withAdded(List.of(), List.of(notATable), Map.of()));
    assertTrue(e.getMessage().startsWith(notATable + " is not a throughput table"), e.getMessage());
  }

  @Test
  void priceTablesNameTheirBadLine(@TempDir Path dir) throws Exception {
    Path prices = Files.writeString(dir.resolve("prices.csv"), "device,usd_per_hour\n# comment\nH100,2.5\nA10G,cheap\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThroughputTable.readPrices(prices));
    assertEquals(prices + " line 4: price 'cheap' is not a number", e.getMessage());
  }
}
