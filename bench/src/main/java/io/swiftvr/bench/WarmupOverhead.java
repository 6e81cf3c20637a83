package io.swiftvr.bench;

import io.swiftvr.planner.ChunkGrid;
import io.swiftvr.planner.ColourInfo;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.ShardPlanner;
import io.swiftvr.planner.VideoProbe;
import java.util.List;
import java.util.Locale;

/**
 * Prints the cost of exact sharding for a film: frames decoded and frames run through the model per emitted frame,
 * for several shard sizes and warm-up lengths, from real shard plans.
 *
 * <pre>java ... io.swiftvr.bench.WarmupOverhead [minutes=120] [fps=24] [gop-seconds=2]</pre>
 */
public final class WarmupOverhead {
  private WarmupOverhead() {}

  public static void main(String[] args) {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 120;
    int fps = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    double gopSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
    int frames = (int) Math.round(minutes * 60 * fps);
    int gop = (int) Math.max(1, Math.round(gopSeconds * fps));
    long[] pts = new long[frames];
    for (int i = 0; i < frames; i++) {
      pts[i] = i;
    }
    int[] keyframes = new int[(frames + gop - 1) / gop];
    for (int i = 0; i < keyframes.length; i++) {
      keyframes[i] = i * gop;
    }
    VideoProbe film = new VideoProbe("film", 0, "mp4", "h264", 1920, 1080, 0, 1, fps, fps, 1, false, true, 0, pts,
        keyframes, new ColourInfo(null, null, null, null), List.of());
    System.out.printf(Locale.ROOT, "Film: %.0f min at %d fps (%d frames), keyframe every %d frames%n%n", minutes, fps,
        frames, gop);
    System.out.println("| warm-up chunks | chunks per shard | shards | decoded / emitted | modelled / emitted |");
    System.out.println("|---|---|---|---|---|");
    for (int warmup : new int[] {2, 3, 4}) {
      for (int perShard : new int[] {10, 20, 40, 80}) {
        List<Shard> shards = new ShardPlanner(ChunkGrid.SWIFTVR, warmup).plan("film", film, perShard);
        long decoded = 0;
        long modelled = 0;
        for (Shard s : shards) {
          int end = Math.min(frames, ChunkGrid.SWIFTVR.chunkStart(s.endChunk()));
          decoded += end - s.decodeStartFrame();
          for (int k = s.warmupFirstChunk(); k < s.endChunk(); k++) {
            modelled += ChunkGrid.SWIFTVR.chunkLength(k);
          }
        }
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %.3f | %.3f |%n", warmup, perShard, shards.size(),
            (double) decoded / frames, (double) modelled / frames);
      }
    }
  }
}
