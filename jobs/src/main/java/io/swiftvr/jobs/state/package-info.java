/**
 * What a run leaves in the output folder besides videos: the outcome row of each shard
 * ({@link io.swiftvr.jobs.state.OutcomeRows}, written by tasks, read once per stage by the driver), the markers of
 * published videos, the video report rows, and the folder's lock.
 *
 * <p>May import: plan, storage, and the udf and planner modules. No Spark.
 */
package io.swiftvr.jobs.state;
