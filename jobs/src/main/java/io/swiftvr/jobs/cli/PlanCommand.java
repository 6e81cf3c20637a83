package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.JobPlanner;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.report.ThroughputTable;
import io.swiftvr.jobs.storage.Location;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", sortOptions = false,
    description = "Probe the inputs, cut them into shards, write plan.json and print it.")
final class PlanCommand extends OutputCommand {
  @Mixin PlanOptions plan;

  @Option(names = "--estimate-from", paramLabel = "FILE",
      description = "an earlier run's report/throughput.csv, to estimate device-hours per device")
  String estimateFrom;

  @Override
  public int call() throws Exception {
    JobOptions options = plan.toJobOptions(output.location(), null,
        estimateFrom == null ? null : Location.parse(estimateFrom).localPath(), java.util.List.of(), false);
    JobPlan planned = JobPlanner.plan(options);
    planned.write();
    System.out.printf(Locale.ROOT, "Model %s (%s), encoder %s%n", planned.modelName(), planned.modelFingerprint(),
        planned.encoder());
    for (VideoPlan video : planned.videos()) {
      System.out.println(video.probe() + " -> " + video.outputSize() + ", "
          + video.shards().size() + " shards, " + video.outputName());
      video.shards().forEach(s -> System.out.printf(Locale.ROOT,
          "  %s: frames %d-%d, chunks %d-%d, warm-up from chunk %d, decode from frame %d%n", s.segmentName(),
          s.emitStartFrame(), s.emitEndFrame() - 1, s.firstChunk(), s.endChunk() - 1, s.warmupFirstChunk(),
          s.decodeStartFrame()));
    }
    planned.rejected().forEach(r -> System.out.println("REJECTED " + r.error()));
    if (!planned.skipped().isEmpty()) {
      System.out.println("Inputs: " + planned.skipped() + " (left alone)");
    }
    if (options.estimateFrom() != null) {
      double videoSeconds = planned.videos().stream().mapToDouble(v -> v.probe().durationSeconds()).sum();
      System.out.printf(Locale.ROOT, "Estimate for %.2f hours of video, from %s:%n", videoSeconds / 3600,
          options.estimateFrom());
      ThroughputTable.readSecondsPerVideoSecond(options.estimateFrom()).forEach((device, perSecond) ->
          System.out.printf(Locale.ROOT, "  %s: %.3f device-hours (%.0f s)%n", device, videoSeconds * perSecond / 3600,
              videoSeconds * perSecond));
    }
    System.out.println("Wrote " + planned.location(JobPlan.FILE));
    return planned.rejected().isEmpty() ? 0 : 1;
  }
}
