package io.swiftvr.udf.bundle;

import com.google.gson.JsonObject;
import java.util.Map;

/**
 * The parsed {@code manifest.json} of a model bundle; docs/bundle-format.md is the contract. Field names follow the
 * JSON keys so that Gson maps them directly.
 */
public record BundleManifest(
    String format,
    int format_version,
    String name,
    String description,
    JsonObject config,
    Stream stream,
    int default_scale,
    Map<String, ModuleFile> modules,
    ModuleFile golden) {

  /** How the model consumes frames; see the chunk-grid section of the contract. */
  public record Stream(
      int pixel_multiple,
      int temporal_factor,
      int first_chunk_frames,
      int chunk_frames,
      int decoder_lag_frames,
      int state_tensors,
      int warmup_chunks) {}

  /** A file of the bundle with its expected checksum. */
  public record ModuleFile(String file, String sha256, long bytes) {}
}
