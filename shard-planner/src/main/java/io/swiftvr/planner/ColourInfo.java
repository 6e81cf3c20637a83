package io.swiftvr.planner;

/** Colour metadata of the source video stream, by FFmpeg's names; the merge writes the same values to the output. */
public record ColourInfo(String range, String primaries, String transfer, String space)
    implements java.io.Serializable {}
