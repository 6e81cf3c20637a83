package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.merge.MergeStage;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.report.JobReport;
import io.swiftvr.jobs.report.ThroughputTable;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "report", sortOptions = false,
    description = "Write report/ from what the output folder holds.")
final class ReportCommand extends OutputCommand {
  @Mixin ReportOptions report;

  @Override
  public int call() throws Exception {
    JobPlan plan = JobPlan.read(output.location());
    Map<String, List<ShardOutcome>> rows = OutcomeRows.read(plan);
    List<VideoOutcome> videos = MergeStage.outcomesWithoutMerging(plan, rows);
    JobReport.Tables tables = JobReport.write(plan, OutcomeRows.all(rows), videos, 0,
        ThroughputTable.readPrices(report.pricesFile()), report.addedTables());
    RestoreJob.writeParquet(plan, tables);
    System.out.println("Wrote " + plan.location("report"));
    return 0;
  }
}
