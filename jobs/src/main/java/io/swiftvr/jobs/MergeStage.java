package io.swiftvr.jobs;

import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.planner.VideoProber;
import io.swiftvr.udf.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge stage, on the driver: every video whose shards all finished is merged, its frame count checked against
 * the source, and published with an atomic rename; then its segments are deleted. Nothing partial is published.
 */
public final class MergeStage {
  private static final Logger LOG = LoggerFactory.getLogger(MergeStage.class);

  private MergeStage() {}

  /** One outcome per planned or rejected input: restored, reused, failed, or pending (shards still missing). */
  public static List<VideoOutcome> merge(JobPlan plan) throws IOException {
    List<VideoOutcome> outcomes = new ArrayList<>(plan.rejected());
    for (VideoPlan video : plan.videos()) {
      VideoOutcome earlier = PublishedMarkers.read(plan.publishedDir(), video);
      if (earlier != null) {
        outcomes.add(earlier.asReused());
        continue;
      }
      VideoOutcome outcome = publish(plan, video, shardOutcomes(plan, video));
      if (outcome.ok()) {
        PublishedMarkers.write(plan.publishedDir(), video, outcome);
        LOG.info("Published {}", outcome.output());
      }
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /** What {@link #merge} would report, without merging anything: for the report command. */
  public static List<VideoOutcome> outcomesWithoutMerging(JobPlan plan) throws IOException {
    List<VideoOutcome> outcomes = new ArrayList<>(plan.rejected());
    for (VideoPlan video : plan.videos()) {
      VideoOutcome published = PublishedMarkers.read(plan.publishedDir(), video);
      if (published != null) {
        outcomes.add(published);
        continue;
      }
      List<ShardOutcome> shards = shardOutcomes(plan, video);
      ShardOutcome failed = shards.stream().filter(ShardOutcome::failed).findFirst().orElse(null);
      outcomes.add(failed != null ? VideoOutcome.failed(video.probe().uri(), failed.error())
          : VideoOutcome.pending(video.probe().uri(), String.format("%s: %d of %d shards finished",
              video.probe().uri(), shards.size(), video.shards().size())));
    }
    return outcomes;
  }

  /** The outcome rows the shards of a video left, by shard index. */
  static List<ShardOutcome> shardOutcomes(JobPlan plan, VideoPlan video) throws IOException {
    Path dir = plan.outcomesDir(video);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ShardOutcome> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        rows.add(ReportFiles.readOutcome(f));
      }
    }
    rows.sort(Comparator.comparingInt(ShardOutcome::shardIndex));
    return rows;
  }

  private static VideoOutcome publish(JobPlan plan, VideoPlan video, List<ShardOutcome> shards) {
    VideoProbe probe = video.probe();
    for (ShardOutcome s : shards) {
      if (s.failed()) {
        return VideoOutcome.failed(probe.uri(), s.error());
      }
    }
    if (shards.size() != video.shards().size()) {
      return VideoOutcome.pending(probe.uri(), String.format(
          "%s: %d of %d shards finished", probe.uri(), shards.size(), video.shards().size()));
    }
    long started = System.nanoTime();
    Path outputDir = plan.output();
    Path output = outputDir.resolve(video.outputName());
    String name = video.outputName();
    Path temp = outputDir.resolve("." + name + ".tmp-" + UUID.randomUUID() + name.substring(name.lastIndexOf('.')));
    try {
      List<Path> segments = new ArrayList<>();
      for (Shard shard : video.shards()) {
        segments.add(plan.stagingDir(video).resolve(shard.segmentName() + ".mp4"));
      }
      int[] firstFrames = video.shards().stream().mapToInt(Shard::emitStartFrame).toArray();
      new SegmentMerger().merge(probe, segments, firstFrames, temp);
      VideoProbe written = new VideoProber().probe(temp.toString());
      if (written.frameCount() != probe.frameCount()) {
        return VideoOutcome.failed(probe.uri(), String.format(
            "%s: restored file has %d frames, the source %d; not published",
            probe.uri(), written.frameCount(), probe.frameCount()));
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      FileTrees.deleteTree(plan.stagingDir(video));
    } catch (IOException | InvalidVideoException e) {
      return VideoOutcome.failed(probe.uri(), probe.uri() + ": merge failed: " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a leftover temp file is never mistaken for output: its name starts with a dot and says tmp
      }
    }
    return VideoOutcome.restored(video, output, shards, (System.nanoTime() - started) / 1e9);
  }
}
