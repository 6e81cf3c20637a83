/**
 * The merge stage: every video whose shards all finished is joined by stream copy
 * ({@link io.swiftvr.jobs.merge.SegmentMerger}, chapters kept by {@link io.swiftvr.jobs.merge.Chapters}), checked
 * against its source and published whole ({@link io.swiftvr.jobs.merge.MergeStage}).
 *
 * <p>May import: state, plan, storage, and the udf and planner modules. No Spark.
 */
package io.swiftvr.jobs.merge;
