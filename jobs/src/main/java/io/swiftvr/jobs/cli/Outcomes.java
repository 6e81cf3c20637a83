package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.report.JobReport;
import io.swiftvr.jobs.state.VideoOutcome;
import java.util.List;

/** The console lines of a finished run or merge, and its exit status. */
final class Outcomes {
  private Outcomes() {}

  /** Prints the summary line, what was left alone, what was written and where the report is; 1 if any video failed. */
  static int print(JobPlan plan, List<VideoOutcome> videos, double seconds) {
    System.out.println(JobReport.oneLine(videos, seconds));
    if (plan.skipped() != null && !plan.skipped().isEmpty()) {
      System.out.println("  " + plan.skipped() + " (left alone)");
    }
    videos.stream().filter(v -> "restored".equals(v.status())).forEach(v -> System.out.println("  wrote " + v.output()
        + (v.repaired() != null ? " (damaged: repaired frames " + v.repaired() + ")"
            : v.damage() != null ? " (damaged: no frame lost)" : "")));
    System.out.println("  report in " + plan.location("report"));
    return videos.stream().allMatch(VideoOutcome::ok) ? 0 : 1;
  }
}
