package io.swiftvr.udf.bundle;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.swiftvr.planner.ChunkGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A model bundle on local disk: its manifest, and module files whose checksums matched on {@link #open} (a bundle from
 * {@link #openUnverified} has had every check but the checksums until {@link #verify}).
 *
 * <p>Archives ({@code .tar.gz}, {@code .tgz}, {@code .zip}) are unpacked once into a cache folder named by the
 * archive's checksum; remote bundles are fetched to local disk by the job before they get here.
 */
public final class ModelBundle {
  public static final String FORMAT = "swiftvr-bundle";
  public static final int FORMAT_VERSION = 1;
  public static final String FLOAT32 = "float32";
  public static final String BFLOAT16 = "bfloat16";

  private final Path location;
  private final Path directory;
  private final BundleManifest manifest;
  private final String fingerprint;

  private ModelBundle(Path location, Path directory, BundleManifest manifest, String fingerprint) {
    this.location = location;
    this.directory = directory;
    this.manifest = manifest;
    this.fingerprint = fingerprint;
  }

  /**
   * Opens a bundle directory or archive, verifying every checksum the manifest lists (each file hashed once per JVM
   * while it stays the same file: {@link FileChecksums}).
   */
  public static ModelBundle open(Path location, Path archiveCache) throws InvalidBundleException {
    return openUnverified(location, archiveCache).verify();
  }

  /** Checks every module file (accelerated variants included) against the checksum the manifest lists. */
  public ModelBundle verify() throws InvalidBundleException {
    for (BundleManifest.ModuleFile module : manifest.files()) {
      String actual = FileChecksums.sha256(directory.resolve(module.file()).normalize());
      if (!actual.equalsIgnoreCase(module.sha256())) {
        throw new InvalidBundleException(String.format(
            "Model bundle %s: checksum mismatch for %s (manifest %s, file %s): the bundle is corrupt or was modified",
            location, module.file(), module.sha256(), actual));
      }
    }
    return this;
  }

  /** {@link #verify} on a thread of {@code executor}; {@link #await} the result. */
  public CompletableFuture<ModelBundle> verifyAsync(Executor executor) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return verify();
      } catch (InvalidBundleException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** The bundle {@link #verifyAsync} verified, or the exception it failed with. */
  public static ModelBundle await(CompletableFuture<ModelBundle> verification) throws InvalidBundleException {
    return Completions.await(verification, "the verification of a model bundle");
  }

  /**
   * Opens a bundle with every check but the module files' checksums: the manifest, and each module file inside the
   * bundle, a regular file of the size the manifest gives (an archive is unpacked into its cache folder as by
   * {@link #open}). Only for loading a module while {@link #verifyAsync} checks the same bundle on another thread,
   * using what was loaded only once that has succeeded ({@code ModelCache.loadWhileVerifying}): hashing an
   * official-size module takes as long as loading it.
   */
  public static ModelBundle openUnverified(Path location, Path archiveCache) throws InvalidBundleException {
    if (!Files.exists(location)) {
      throw new InvalidBundleException("Model bundle not found: " + location);
    }
    Path directory = Files.isDirectory(location) ? location : BundleArchives.unpack(location, archiveCache);
    Path manifestFile = directory.resolve("manifest.json");
    if (!Files.isRegularFile(manifestFile)) {
      throw new InvalidBundleException("Model bundle " + location + " has no manifest.json");
    }
    BundleManifest manifest;
    String manifestText;
    try {
      manifestText = Files.readString(manifestFile);
      manifest = new Gson().fromJson(manifestText, BundleManifest.class);
    } catch (IOException | JsonParseException e) {
      throw new InvalidBundleException("Model bundle " + location + " has an unreadable manifest.json: " + e.getMessage(), e);
    }
    validate(location, manifest);
    for (BundleManifest.ModuleFile module : manifest.files()) {
      checkModuleFile(location, directory, module);
    }
    // The manifest holds every module's checksum and every setting that changes pixels (chunk grid, lag, warm-up,
    // protocol), so its bytes identify the bundle: a re-exported manifest with the same weights is another bundle.
    return new ModelBundle(location, directory, manifest, sha256(manifestText).substring(0, 16));
  }

  private static void validate(Path location, BundleManifest manifest) throws InvalidBundleException {
    if (manifest == null || !FORMAT.equals(manifest.format())) {
      throw new InvalidBundleException(String.format(
          "Model bundle %s: manifest format is %s, expected %s",
          location, manifest == null ? null : manifest.format(), FORMAT));
    }
    if (manifest.format_version() != FORMAT_VERSION) {
      throw new InvalidBundleException(String.format(
          "Model bundle %s: format_version %d is not supported by this build (supports %d)",
          location, manifest.format_version(), FORMAT_VERSION));
    }
    if (manifest.stream() == null) {
      throw new InvalidBundleException("Model bundle " + location + ": manifest has no 'stream' section");
    }
    // At least one of the two modules (docs/bundle-format.md): bfloat16-only bundles exist (the shipped small model;
    // the official-size benchmark bundle, whose float32 module would be ~20 GB).
    if (manifest.modules() == null
        || !(manifest.modules().containsKey(FLOAT32) || manifest.modules().containsKey(BFLOAT16))) {
      throw new InvalidBundleException(
          "Model bundle " + location + ": manifest lists neither a float32 nor a bfloat16 module");
    }
    BundleManifest.Stream stream = manifest.stream();
    if (stream.state_tensors() < 0 || stream.warmup_chunks() < 0 || stream.pixel_multiple() <= 0) {
      throw new InvalidBundleException("Model bundle " + location + ": invalid stream section " + stream);
    }
    try {
      stream.chunkGrid(); // the protocol and every size checked
    } catch (IllegalArgumentException e) {
      throw new InvalidBundleException("Model bundle " + location + ": " + e.getMessage(), e);
    }
  }

  private static void checkModuleFile(Path location, Path directory, BundleManifest.ModuleFile module)
      throws InvalidBundleException {
    Path file = directory.resolve(module.file()).normalize();
    if (!file.startsWith(directory.normalize())) {
      throw new InvalidBundleException("Model bundle " + location + ": file outside the bundle: " + module.file());
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidBundleException("Model bundle " + location + ": missing file " + module.file());
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InvalidBundleException("Model bundle " + location + ": cannot read " + module.file(), e);
    }
    if (module.bytes() > 0 && size != module.bytes()) {
      throw new InvalidBundleException(String.format(
          "Model bundle %s: %s has %d bytes, the manifest says %d: the bundle is incomplete or was modified",
          location, module.file(), size, module.bytes()));
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path directory() {
    return directory;
  }

  public BundleManifest manifest() {
    return manifest;
  }

  /**
   * A short stable identity of the bundle: the SHA-256 of its manifest, which lists every module's checksum and every
   * stream setting, so it changes with anything that changes the restored pixels. Part of every output key's
   * parameter hash, and checked by every task against the plan's.
   */
  public String fingerprint() {
    return fingerprint;
  }

  public ChunkGrid chunkGrid() {
    return manifest.stream().chunkGrid();
  }

  /** The module file for a precision the bundle has ({@link #hasModule}). */
  public Path moduleFile(String precision) {
    BundleManifest.ModuleFile module = manifest.modules().get(precision);
    if (module == null) {
      throw new IllegalArgumentException(manifest.name() + " has no " + precision + " module");
    }
    return directory.resolve(module.file());
  }

  /**
   * The precision to run on a device: bfloat16 on GPUs when the bundle has it (half the memory traffic), float32 on
   * CPUs when it has it (every CPU computes it at full speed), otherwise the module the bundle ships.
   */
  public String precisionFor(boolean gpu) {
    if (gpu) {
      return hasModule(BFLOAT16) ? BFLOAT16 : FLOAT32;
    }
    return hasModule(FLOAT32) ? FLOAT32 : BFLOAT16;
  }

  public boolean hasModule(String precision) {
    return manifest.modules().containsKey(precision);
  }

  @Override
  public String toString() {
    return manifest.name() + " (" + fingerprint + ") at " + directory;
  }
}
