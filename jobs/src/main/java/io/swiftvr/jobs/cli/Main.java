package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.state.OutputLock;
import io.swiftvr.udf.StopSignal;
import io.swiftvr.udf.bundle.InvalidBundleException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * The entry point of {@code bin/swiftvr-local} and spark-submit: {@code run} does every stage; the stage commands do
 * one each and meet in the output folder ({@code plan.json}, {@code .swiftvr/}), so a failed stage can be rerun alone.
 * Each command declares the options it takes (picocli); any other option is refused, and {@code --help} after a
 * command prints that command's options.
 *
 * <p>Exit status: 0 when everything succeeded, 1 when some videos failed or were rejected, 2 for a usage error or a
 * problem of the run itself (a bad model bundle, an unreadable plan), 143 after SIGTERM ({@link CleanStop}).
 */
public final class Main {
  private Main() {}

  @Command(name = "swiftvr",
      description = "Restores and upscales videos with SwiftVR on Spark. Without a command: run.",
      subcommands = {RunCommand.class, PlanCommand.class, RestoreCommand.class, MergeCommand.class,
          ReportCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class},
      footer = "%n'swiftvr COMMAND --help' lists the options of a command.")
  static final class Swiftvr {
    @picocli.CommandLine.Mixin HelpOption help;
  }

  public static void main(String[] args) throws Exception {
    int status = execute(args);
    if (!StopSignal.stopping()) {
      System.exit(status); // after a signal the JVM is already exiting, through CleanStop's hook
    }
  }

  static int execute(String[] args) throws Exception {
    CommandLine cli = commandLine();
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(withDefaultCommand(args));
    } catch (ParameterException e) {
      System.err.println(e.getMessage());
      System.err.println("See 'swiftvr " + commandName(e.getCommandLine()) + "--help'.");
      return 2;
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return 0;
    }
    if (!parsed.hasSubcommand()) {
      cli.usage(System.out);
      return 0;
    }
    ParseResult sub = parsed.subcommand();
    JobCommand command = (JobCommand) sub.commandSpec().userObject();
    String name = sub.commandSpec().name();
    try {
      String output = command.writesTo();
      if (output != null) {
        CleanStop.install(name, System.err);
      }
      // Every command that writes to the output folder holds it alone while it runs.
      try (OutputLock lock = output != null ? OutputLock.acquire(output, name) : null) {
        return command.call();
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (InvalidBundleException | IOException e) {
      System.err.println("swiftvr " + name + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      if (StopSignal.stopping()) {
        return 143; // Spark's jobs end with errors once the JVM shuts down after a signal; CleanStop has said why
      }
      throw e;
    } finally {
      CleanStop.finished(); // ended by itself, even by an exception: no "interrupted" line at exit
    }
  }

  /** The command line with its subcommands; help text up to 120 columns wide. */
  private static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Swiftvr());
    cli.setUsageHelpWidth(120);
    cli.setExpandAtFiles(false); // --input @FILE is our manifest of videos, not picocli's file of arguments
    return cli;
  }

  /**
   * The options of {@code run} as this command line reads and checks them, for programs and tests that start the job
   * themselves ({@code RestoreJob.run}).
   */
  public static io.swiftvr.jobs.plan.JobOptions parseRunOptions(List<String> args) {
    List<String> run = new ArrayList<>(List.of("run"));
    run.addAll(args);
    try {
      ParseResult parsed = commandLine().parseArgs(run.toArray(String[]::new));
      return ((RunCommand) parsed.subcommand().commandSpec().userObject()).options();
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Without a command, the arguments are run's: {@code swiftvr} alone is {@code swiftvr run} (the README's first
   * command: the bundled sample with the bundled model), {@code swiftvr --input a.mp4} is
   * {@code swiftvr run --input a.mp4}; {@code -h} alone lists the commands.
   */
  static String[] withDefaultCommand(String[] args) {
    if (args.length > 0 && (!args[0].startsWith("-") || List.of("-h", "--help").contains(args[0]))) {
      return args;
    }
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private static String commandName(CommandLine command) {
    return command.getCommandSpec().parent() == null ? "" : command.getCommandName() + " ";
  }
}
