package io.swiftvr.jobs.cli;

/** A subcommand of {@code swiftvr}: what it writes to (it holds that folder's lock while it runs) and its work. */
interface JobCommand {

  /** The output folder this command writes to, or null for a command that writes nothing. */
  String writesTo();

  /** Does the work; returns the exit status (0: everything succeeded, 1: some videos failed or were rejected). */
  int call() throws Exception;
}
