package io.swiftvr.jobs.merge;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.PublishedMarkers;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.media.SegmentMerger;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.InvalidVideoException;
import io.swiftvr.planner.Shard;
import io.swiftvr.planner.VideoProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge stage, on the driver: every video whose shards all finished is merged, its frame count checked against
 * the source, and published with an atomic rename; then its segments are deleted. Nothing partial is published.
 */
public final class MergeStage {
  private static final Logger LOG = LoggerFactory.getLogger(MergeStage.class);

  private MergeStage() {}

  /**
   * One outcome per planned or rejected input: restored, reused, failed, or pending (shards still missing).
   *
   * @param rows the outcome rows of the plan's shards, per video key ({@link OutcomeRows#read})
   */
  public static List<VideoOutcome> merge(JobPlan plan, Map<String, List<ShardOutcome>> rows) throws IOException {
    List<VideoOutcome> outcomes = rejected(plan);
    for (VideoPlan video : plan.videos()) {
      VideoOutcome earlier = PublishedMarkers.read(plan.storage(), plan.publishedDir(), video);
      if (earlier != null) {
        outcomes.add(earlier.asReused());
        continue;
      }
      VideoOutcome outcome = publish(plan, video, rows.get(video.key()));
      if (outcome.ok()) {
        PublishedMarkers.write(plan.storage(), plan.publishedDir(), video, outcome);
        LOG.info("Published {}", outcome.output());
      }
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /** What {@link #merge} would report, without merging anything: for the report command. */
  public static List<VideoOutcome> outcomesWithoutMerging(JobPlan plan, Map<String, List<ShardOutcome>> rows)
      throws IOException {
    List<VideoOutcome> outcomes = rejected(plan);
    for (VideoPlan video : plan.videos()) {
      VideoOutcome published = PublishedMarkers.read(plan.storage(), plan.publishedDir(), video);
      if (published != null) {
        outcomes.add(published);
        continue;
      }
      List<ShardOutcome> shards = rows.get(video.key());
      ShardOutcome failed = shards.stream().filter(ShardOutcome::failed).findFirst().orElse(null);
      outcomes.add(failed != null ? VideoOutcome.failed(video.input(), failed.error())
          : VideoOutcome.pending(video.input(), String.format("%s: %d of %d shards finished",
              video.input(), shards.size(), video.shards().size())));
    }
    return outcomes;
  }

  private static List<VideoOutcome> rejected(JobPlan plan) {
    return new ArrayList<>(plan.rejected().stream().map(VideoOutcome::rejected).toList());
  }

  private static VideoOutcome publish(JobPlan plan, VideoPlan video, List<ShardOutcome> shards) {
    String input = video.input();
    for (ShardOutcome s : shards) {
      if (s.failed()) {
        if (s.permanent()) {
          dropSegments(plan, video); // they are not needed again unless --retry-failed, which restores them anew
        }
        return VideoOutcome.failed(input, s.error());
      }
    }
    if (shards.size() != video.shards().size()) {
      return VideoOutcome.pending(input, String.format(
          "%s: %d of %d shards finished", input, shards.size(), video.shards().size()));
    }
    long started = System.nanoTime();
    Storage storage = plan.storage();
    String output = plan.location(video.outputName());
    Path temp = null;
    try {
      video.identity().check(input, "before merging");
      temp = storage.scratch(output);
      VideoProbe probe = video.localProbe(plan.localCache("inputs"));
      List<Path> segments = new ArrayList<>();
      for (Shard shard : video.shards()) {
        String segment = Location.of(plan.stagingDir(video)).resolve(shard.segmentName() + ".mp4").toString();
        segments.add(storage.localCopy(segment, plan.localCache("segments")));
      }
      int[] firstFrames = video.shards().stream().mapToInt(Shard::emitStartFrame).toArray();
      new SegmentMerger().merge(probe, segments, firstFrames, temp);
      VideoProbe written = new VideoProber().probe(temp.toString());
      if (written.frameCount() != probe.frameCount()) {
        return VideoOutcome.failed(input, String.format(
            "%s: restored file has %d frames, the source %d; not published",
            input, written.frameCount(), probe.frameCount()));
      }
      video.identity().check(input, "before publishing");
      storage.publish(temp, output);
      storage.deleteTree(plan.stagingDir(video));
      if (Location.of(plan.outputDir()).isRemote()) {
        for (Path copy : segments) {
          Files.deleteIfExists(copy); // local copies of remote segments are not needed again
        }
      }
    } catch (InvalidVideoException e) {
      return VideoOutcome.failed(input, e.getMessage());
    } catch (IOException e) {
      return VideoOutcome.failed(input, input + ": merge failed: " + e.getMessage());
    } finally {
      try {
        if (temp != null) {
          Files.deleteIfExists(temp);
        }
      } catch (IOException ignored) {
        // a leftover scratch file is never mistaken for output: its name says tmp, or it is outside the output
      }
    }
    return VideoOutcome.restored(video, output, shards, (System.nanoTime() - started) / 1e9,
        plan.encoder().bitDepthFor(video.probe().bitsPerSample()));
  }

  /** Deletes the segments of a video that failed for good; its outcome rows stay, so reruns know not to retry. */
  private static void dropSegments(JobPlan plan, VideoPlan video) {
    try {
      plan.storage().deleteTree(plan.stagingDir(video));
    } catch (IOException e) {
      LOG.warn("Could not delete the segments of {} in {}: {}", video.input(), plan.stagingDir(video), e.toString());
    }
  }
}
