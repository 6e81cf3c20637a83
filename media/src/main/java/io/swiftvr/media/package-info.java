/**
 * Everything that touches FFmpeg, and so the only package holding JavaCV's pointers: the probe that reads every
 * packet without decoding ({@link io.swiftvr.media.VideoProber}, with {@code PacketTimes}, {@code LengthPrefixedNals},
 * {@code TimestampGaps} and {@code SkippedBytes} for what damage looks like), frame decoding by timestamp
 * ({@link io.swiftvr.media.FrameSource}), segment encoding with closed GOPs ({@link io.swiftvr.media.SegmentEncoder},
 * {@link io.swiftvr.media.EncoderSettings}, {@link io.swiftvr.media.X264Cpu}), the stream-copy merge
 * ({@link io.swiftvr.media.SegmentMerger}, {@link io.swiftvr.media.Chapters}), FFmpeg's log and what this build of
 * FFmpeg has ({@link io.swiftvr.media.FfmpegLog}), and the sizes frames are decoded and restored at
 * ({@link io.swiftvr.media.FrameSize}, {@link io.swiftvr.media.OutputSize}).
 *
 * <p>May import: the shard-planner module (the probe's record), JavaCV and FFmpeg. No Spark, no DJL.
 */
package io.swiftvr.media;
