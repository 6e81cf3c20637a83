/**
 * The command line ({@code swiftvr run|plan|restore|merge|report|doctor}, picocli): each command declares the options
 * it takes, checks them, holds the output folder's lock ({@code state.OutputLock}) and turns SIGTERM into a clean stop
 * ({@link io.swiftvr.jobs.cli.CleanStop}). {@link io.swiftvr.jobs.cli.Main} is the entry point of
 * {@code bin/swiftvr-local} and spark-submit.
 *
 * <p>May import: every other package of the job.
 */
package io.swiftvr.jobs.cli;
