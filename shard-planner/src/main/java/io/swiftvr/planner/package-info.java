/**
 * Planning, with no FFmpeg, no Spark and no model: a {@code VideoProbe} (what the probe in {@code io.swiftvr.media}
 * found: frame count, timestamps, keyframes, streams, colour, {@code Damage}); {@code ChunkGrid} lays the model's
 * chunks over the frames (our protocol or the official release's); {@code ShardPlanner} cuts them into
 * {@code Shard}s with warm-up chunks. {@code InvalidVideoException} is the one checked failure of a video a user can
 * fix.
 *
 * <p>May import: the JDK and Gson. Nothing of media, udf or jobs.
 */
package io.swiftvr.planner;
