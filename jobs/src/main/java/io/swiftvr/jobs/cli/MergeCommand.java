package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.merge.MergeStage;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.VideoOutcome;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "merge",
    description = "Merge and publish every video whose shards all finished.")
final class MergeCommand extends OutputCommand {
  @Override
  public int call() throws Exception {
    JobPlan plan = JobPlan.read(output.location());
    long started = System.nanoTime();
    List<VideoOutcome> videos = MergeStage.merge(plan, OutcomeRows.read(plan));
    return Outcomes.print(plan, videos, (System.nanoTime() - started) / 1e9);
  }
}
