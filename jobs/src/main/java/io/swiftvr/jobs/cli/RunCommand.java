package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.spark.RestoreJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", sortOptions = false,
    description = "Plan, restore, merge and report: the whole job (the default command).")
final class RunCommand extends OutputCommand {
  @Mixin PlanOptions plan;
  @Mixin ReportOptions report;

  @Option(names = "--retry-failed",
      description = "run again the shards that failed for good in an earlier run (a failure that would fail again, "
          + "such as a broken file, is not retried otherwise)")
  boolean retryFailed;

  JobOptions options() {
    return plan.toJobOptions(output.location(), report.pricesFile(), null, report.addedTables(), retryFailed);
  }

  @Override
  public int call() throws Exception {
    RestoreJob.Result result = RestoreJob.runOnSpark(options(), System.err);
    return Outcomes.print(result.plan(), result.videos(), result.wallSeconds());
  }
}
