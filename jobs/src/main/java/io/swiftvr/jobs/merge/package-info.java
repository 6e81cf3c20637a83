/**
 * The merge stage ({@link io.swiftvr.jobs.merge.MergeStage}): every video whose shards all finished is joined by
 * stream copy ({@code media.SegmentMerger}, chapters kept by {@code media.Chapters}), checked against its source and
 * published whole.
 *
 * <p>May import: state, plan, storage, and the media, udf and planner modules. No Spark.
 */
package io.swiftvr.jobs.merge;
