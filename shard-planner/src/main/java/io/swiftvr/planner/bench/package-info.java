/**
 * Programs that print tables about planning ({@code WarmupOverhead}: the model work the warm-up adds per shard
 * size). Not used by the job. May import: {@code io.swiftvr.planner}.
 */
package io.swiftvr.planner.bench;
