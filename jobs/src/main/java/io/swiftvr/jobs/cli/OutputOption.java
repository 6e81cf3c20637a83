package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.storage.Location;
import picocli.CommandLine.Option;

/** {@code --output}: the folder every command reads and writes, local or {@code s3a://}. */
final class OutputOption {
  @Option(names = "--output", paramLabel = "DIR", defaultValue = JobOptions.DEFAULT_OUTPUT,
      description = "where restored videos, segments and reports go, local or s3a:// (default: ${DEFAULT-VALUE})")
  String output;

  /** The output folder as the plan stores it: an s3a:// URI, or an absolute local path. */
  String location() {
    return Location.parse(output).absolute().toString();
  }
}
