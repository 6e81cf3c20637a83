package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.ShardOutcome;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", sortOptions = false,
    description = "Restore the shards of plan.json that are not finished (Spark tasks).")
final class RestoreCommand extends OutputCommand {
  @Option(names = "--retry-failed",
      description = "run again the shards that failed for good in an earlier run")
  boolean retryFailed;

  @Override
  public int call() throws Exception {
    JobPlan plan = JobPlan.read(output.location());
    List<ShardOutcome> shards = RestoreJob.restoreOnSpark(plan, System.err, retryFailed);
    long failed = shards.stream().filter(ShardOutcome::failed).count();
    System.out.printf("Restored %d shards, %d failed%n", shards.size() - failed, failed);
    return failed == 0 ? 0 : 1;
  }
}
