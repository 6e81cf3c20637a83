package io.swiftvr.jobs.cli;

import picocli.CommandLine.Mixin;

/** A command that writes to an output folder: it takes {@code --output} and {@code --help}, and holds the folder. */
abstract class OutputCommand implements JobCommand {
  @Mixin HelpOption help;
  @Mixin OutputOption output;

  @Override
  public String writesTo() {
    return output.location();
  }
}
