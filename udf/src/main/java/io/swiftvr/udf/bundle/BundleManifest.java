package io.swiftvr.udf.bundle;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
    ModuleFile golden,
    List<Accelerated> accelerated) {

  /** The accelerated variants the bundle holds (none for a bundle without the section). */
  public List<Accelerated> acceleratedVariants() {
    return accelerated == null ? List.of() : accelerated;
  }

  /** Every file the manifest lists with a checksum: the modules and the accelerated variants. */
  public List<ModuleFile> files() {
    List<ModuleFile> files = new ArrayList<>(modules.values());
    for (Accelerated a : acceleratedVariants()) {
      files.add(a.asFile());
    }
    return files;
  }


  /**
   * How the model consumes frames; see the chunk-grid section of the contract. {@code protocol} is absent (null) for
   * the swiftvr protocol; {@code dit_overlap} and {@code lq_crop_multiple} belong to the official one (0 when absent).
   */
  public record Stream(
      int pixel_multiple,
      int temporal_factor,
      int first_chunk_frames,
      int chunk_frames,
      int decoder_lag_frames,
      int state_tensors,
      int warmup_chunks,
      String protocol,
      int dit_overlap,
      int lq_crop_multiple,
      int[] sample_bits) {

    /**
     * Whether the module takes and returns 16-bit samples (their two bytes in a last axis of 2, {@code float_output}
     * 2) as well as 8-bit ones: {@code sample_bits} lists 16. Bundles exported before 10-bit sources were carried through
     * have no such key and read uint8 only.
     */
    public boolean takes16BitSamples() {
      if (sample_bits == null) {
        return false;
      }
      for (int bits : sample_bits) {
        if (bits == 16) {
          return true;
        }
      }
      return false;
    }

    /**
     * The chunk grid this section describes, its protocol included.
     *
     * @throws IllegalArgumentException for an unknown protocol or settings the grid refuses
     */
    public io.swiftvr.planner.ChunkGrid chunkGrid() {
      return new io.swiftvr.planner.ChunkGrid(first_chunk_frames, chunk_frames, decoder_lag_frames,
          io.swiftvr.planner.ChunkGrid.Protocol.parse(protocol), dit_overlap);
    }
  }

  /** A file of the bundle with its expected checksum. */
  public record ModuleFile(String file, String sha256, long bytes) {}

  /**
   * A compiled form of the module's steady-state call (docs/bundle-format.md, "Accelerated variants"): {@code kind}
   * "aoti" (an AOTInductor package run by our JNI library with the {@code precision} module's weights), built for
   * one GPU architecture ({@code arch}, e.g. sm_90) and libtorch version, for middle chunks of {@code chunk_frames}
   * frames of {@code in_size} restored to {@code out_size} (both [width, height]).
   */
  public record Accelerated(
      String kind,
      String file,
      String sha256,
      long bytes,
      String precision,
      String arch,
      String torch_version,
      List<Integer> in_size,
      List<Integer> out_size,
      int chunk_frames) {

    public ModuleFile asFile() {
      return new ModuleFile(file, sha256, bytes);
    }
  }
}
