package io.swiftvr.jobs.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command: that command's options. */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this command's options and exit")
  boolean help;
}
