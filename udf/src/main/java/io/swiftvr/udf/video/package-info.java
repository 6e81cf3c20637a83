/**
 * Frames in and out through FFmpeg (JavaCV): {@code FrameSource} decodes RGB frames identified by timestamp,
 * {@code SegmentEncoder} writes a shard's segment in the final codec (and asks an encoder whether it works here),
 * {@code EncoderSettings} and {@code OutputSize} are the options that shape them.
 *
 * <p>May import: {@code io.swiftvr.planner}, JavaCV. No DJL, no Spark.
 */
package io.swiftvr.udf.video;
