package io.swiftvr.planner;

/** A non-video stream of the source (audio, subtitles, data, attachments) that the merge copies as it is. */
public record StreamInfo(int index, String mediaType, String codecName, String language)
    implements java.io.Serializable {}
