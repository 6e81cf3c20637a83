package io.swiftvr.jobs.plan;

import java.io.Serializable;

/**
 * An input the plan could not take (not found, not a video FFmpeg can open, an output name already taken, a frame
 * size beyond the limits), with the reason; it never reaches a Spark task and is reported as failed.
 */
public record RejectedInput(String input, String error) implements Serializable {}
