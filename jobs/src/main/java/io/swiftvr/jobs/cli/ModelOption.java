package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.storage.Location;
import picocli.CommandLine.Option;

/** {@code --model}: the model bundle. */
final class ModelOption {
  @Option(names = "--model", paramLabel = "PATH", defaultValue = JobOptions.DEFAULT_MODEL,
      description = "model bundle folder or .tar.gz/.zip archive, local or s3a:// (default: ${DEFAULT-VALUE})")
  String model;

  /** The bundle's location as the plan stores it: an s3a:// URI, or an absolute local path. */
  String location() {
    return Location.parse(model).absolute().toString();
  }
}
