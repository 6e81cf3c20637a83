package io.swiftvr.jobs;

import io.swiftvr.udf.ShardResult;
import java.io.Serializable;

/**
 * One row of the shard report: a restored (or reused) segment with its timings, or the reason it failed.
 *
 * @param status {@code restored}, {@code reused} (a finished segment from an earlier run) or {@code failed}
 */
public record ShardOutcome(
    String videoKey,
    String input,
    int shardIndex,
    int shardCount,
    String status,
    String error,
    ShardResult result,
    String segment,
    String host,
    String executor) implements Serializable {

  public boolean failed() {
    return "failed".equals(status);
  }
}
