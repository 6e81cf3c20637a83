/**
 * Programs that measure and check, run by hand or on the GPU machine, never by the job: {@code RestoreBenchmark}
 * (throughput rows that join a run's report), {@code EngineCheck} (a bundle against its goldens on a device),
 * {@code EncoderRepeatability} (the encoder's bytes under native-memory churn), {@code WarmupOverhead} (the share
 * of frames run twice for warm-up), {@code TenBitStages} (what the 10-bit path's decode and encode cost),
 * {@code ColorFixBenchmark} (the cost of {@code --color-fix} per frame) and {@code ClipTools} (clips and frame hashes
 * on the GPU machine, which has no ffmpeg command). They live in their own module so the job's jars ship none of them.
 *
 * <p>May import: the udf, media and shard-planner modules.
 */
package io.swiftvr.bench;
