package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.udf.color.ColorFix;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "doctor", sortOptions = false,
    description = "Print the engine, GPUs, caches, FFmpeg codecs, and check the model bundle and the encoder.")
final class DoctorCommand implements JobCommand {
  @Mixin HelpOption help;
  @Mixin OutputOption output;
  @Mixin ModelOption model;
  @Mixin EncoderOptions encoder;

  @Override
  public String writesTo() {
    return null;
  }

  @Override
  public int call() {
    JobOptions options = new JobOptions(List.of(), output.location(), model.location(), null, encoder.settings(),
        JobOptions.DEFAULT_CHUNKS_PER_SHARD, null, null, "auto", null, null, List.of(), false,
        JobOptions.DEFAULT_DAMAGED, ColorFix.DEFAULT);
    return Doctor.run(options, System.out);
  }
}
