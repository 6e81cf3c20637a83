package io.swiftvr.planner;

/**
 * Colour metadata of the source video stream, by FFmpeg's names; the merge writes the same values to the output.
 *
 * <p>{@code bitsPerSample}: the decoded samples' depth (8 for most video, 10 for HEVC Main10, ProRes 422 or H.264
 * High10; 0 when unknown, as in plans written before it was probed). {@code masteringDisplay}: HDR10 static metadata
 * of the mastering display in x265's notation and units ({@code G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min)}: chromaticities
 * in 1/50000, luminance in 1/10000 cd/m²); {@code contentLight}: {@code maxCLL,maxFALL} in cd/m²; both null where the
 * container carries none.
 */
public record ColourInfo(String range, String primaries, String transfer, String space, int bitsPerSample,
    String masteringDisplay, String contentLight) implements java.io.Serializable {

  /** Colour tags alone: depth unknown, no HDR static metadata. */
  public ColourInfo(String range, String primaries, String transfer, String space) {
    this(range, primaries, transfer, space, 0, null, null);
  }

  /** Whether the transfer is an HDR one: PQ (SMPTE ST 2084) or HLG (ARIB STD-B67). */
  public boolean isHdrTransfer() {
    return "smpte2084".equals(transfer) || "arib-std-b67".equals(transfer);
  }

  /**
   * The report's words for an HDR source: its transfer (PQ, HLG) and the HDR10 static metadata it carries, in x265's
   * notation ({@code PQ; mastering display G(…)…L(…); max-cll 1000,400}); null for SDR without such metadata.
   */
  public String hdrDescription() {
    String curve = "smpte2084".equals(transfer) ? "PQ" : "arib-std-b67".equals(transfer) ? "HLG" : null;
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (curve != null) {
      parts.add(curve);
    }
    if (masteringDisplay != null) {
      parts.add("mastering display " + masteringDisplay);
    }
    if (contentLight != null) {
      parts.add("max-cll " + contentLight);
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** Whether samples are deeper than 8 bits. */
  public boolean isDeep() {
    return bitsPerSample > 8;
  }
}
