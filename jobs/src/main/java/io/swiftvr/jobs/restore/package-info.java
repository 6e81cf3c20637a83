/**
 * One shard's publish protocol ({@link io.swiftvr.jobs.restore.ShardTaskRunner}): skip a finished segment, check the
 * input and bundle against the plan, restore into a scratch file, publish, write the outcome row; failures become rows.
 * Where it runs is told by a {@link io.swiftvr.jobs.restore.TaskEnvironment}.
 *
 * <p>May import: state, plan, storage, and the udf and planner modules. No Spark.
 */
package io.swiftvr.jobs.restore;
