/**
 * Restoring one shard, with no Spark: {@code ShardRestorer} decodes, runs the chunks through the model with the
 * streaming state carried, and hands the frames to a {@code FrameSink}; {@code StopSignal} lets a shutting-down JVM
 * stop between chunks. Values it returns: {@code ShardResult}, {@code ThroughputRow}.
 *
 * <p>May import: {@code io.swiftvr.planner}, DJL's API, JavaCV, and this module's {@code bundle}, {@code color},
 * {@code model} and {@code video} packages. Nothing of jobs or Spark.
 */
package io.swiftvr.udf;
