/**
 * Programs that print tables and check engines on a machine (run on the GPU host by the scripts under native/ and
 * gpu-machine/): {@code RestoreBenchmark}, {@code EngineCheck}, {@code EncoderRepeatability}. Not used by the job.
 *
 * <p>May import: every other udf package and {@code io.swiftvr.planner}. No Spark.
 */
package io.swiftvr.udf.bench;
