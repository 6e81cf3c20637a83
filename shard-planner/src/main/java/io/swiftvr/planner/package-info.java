/**
 * Probing and planning, with no Spark and no model: {@code VideoProber} reads every video packet (no decoding) into
 * a {@code VideoProbe}; {@code ChunkGrid} lays the model's chunks over the frames (our protocol or the official
 * release's); {@code ShardPlanner} cuts them into {@code Shard}s with warm-up chunks. {@code InvalidVideoException} is
 * the one checked failure of a video a user can fix; {@code FfmpegLog} turns FFmpeg's return codes and log into text.
 *
 * <p>May import: the JDK and JavaCV's FFmpeg bindings. Nothing of udf or jobs.
 */
package io.swiftvr.planner;
