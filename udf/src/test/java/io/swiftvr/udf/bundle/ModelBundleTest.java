package io.swiftvr.udf.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

  @Test
  void opensTheTinyBundleAndVerifiesItsChecksums() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    assertEquals(ModelBundle.FORMAT, bundle.manifest().format());
    assertTrue(bundle.manifest().stream().state_tensors() > 0);
    assertEquals(16, bundle.fingerprint().length());
    assertTrue(Files.isRegularFile(bundle.moduleFile(ModelBundle.FLOAT32)));
  }

  /** Same weights, another warm-up in a re-exported manifest: another bundle, so no segment of the first is reused. */
  @Test
  void theFingerprintCoversTheManifestNotOnlyTheWeights(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path manifest = copy.resolve("manifest.json");
    String text = Files.readString(manifest);
    String changed = text.replaceFirst("\"warmup_chunks\": *(\\d+)", "\"warmup_chunks\": 7");
    assertTrue(!changed.equals(text), "the manifest has a warm-up to change");
    Files.writeString(manifest, changed);
    ModelBundle reexported = ModelBundle.open(copy, dir);
    assertEquals(7, reexported.manifest().stream().warmup_chunks());
    assertTrue(!reexported.fingerprint().equals(TestBundles.tiny().fingerprint()),
        "same module checksums, different manifest: " + reexported.fingerprint());
  }

  @Test
  void missingBundleIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.open(missing, dir));
    assertEquals("Model bundle not found: " + missing, e.getMessage());
  }

  @Test
  void corruptModuleIsRejected(@TempDir Path dir) throws Exception {
    Path copy = copyWithCorruptModule(dir);
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
    assertTrue(e.getMessage().startsWith("Model bundle " + copy + ": checksum mismatch for restorer.pt"),
        e.getMessage());
  }

  @Test // counts through a JVM-wide counter: right as long as this class's tests do not run in parallel
  void reopeningHashesOnlyWhatChanged(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    long before = FileChecksums.filesHashed();
    String fingerprint = ModelBundle.open(copy, dir).fingerprint();
    long modules = FileChecksums.filesHashed() - before;
    assertTrue(modules >= 1);
    for (int i = 0; i < 3; i++) { // what every task of an executor does
      assertEquals(fingerprint, ModelBundle.open(copy, dir).fingerprint());
    }
    assertEquals(before + modules, FileChecksums.filesHashed());
    // a file written again (new modification time) is hashed again, and corruption is still found
    Path module = copy.resolve("restorer.pt");
    byte[] bytes = Files.readAllBytes(module);
    bytes[bytes.length / 3] ^= 0x21;
    Files.write(module, bytes);
    Files.setLastModifiedTime(module, FileTime.fromMillis(Files.getLastModifiedTime(module).toMillis() + 2000));
    assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
    assertEquals(before + modules + 1, FileChecksums.filesHashed());
  }

  @Test // same JVM-wide counter as above
  void concurrentCallersShareOneHash(@TempDir Path dir) throws Exception {
    // 64 MiB take tens of milliseconds to hash: eight callers released together all arrive while the first hashes
    Path file = dir.resolve("module.pt");
    byte[] block = new byte[1 << 20];
    new Random(7).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 64; i++) {
        out.write(block);
      }
    }
    int callers = 8;
    CyclicBarrier together = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    long before = FileChecksums.filesHashed();
    try {
      List<Future<String>> hashes = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        hashes.add(pool.submit(() -> {
          together.await();
          return FileChecksums.sha256(file);
        }));
      }
      Set<String> distinct = new HashSet<>();
      for (Future<String> h : hashes) {
        distinct.add(h.get());
      }
      assertEquals(1, distinct.size());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(before + 1, FileChecksums.filesHashed(), "the callers waited for one hash");
  }

  @Test
  void unverifiedOpenReadsTheManifestWithoutHashing(@TempDir Path dir) throws Exception {
    Path copy = copyWithCorruptModule(dir);
    long before = FileChecksums.filesHashed();
    ModelBundle unverified = ModelBundle.openUnverified(copy, dir);
    assertEquals(before, FileChecksums.filesHashed());
    assertEquals(TestBundles.tiny().fingerprint(), unverified.fingerprint(), "the identity the manifest claims");
    assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
  }

  @Test
  void truncatedModuleIsRejectedBeforeHashing(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path module = copy.resolve("restorer.pt");
    byte[] bytes = Files.readAllBytes(module);
    Files.write(module, Arrays.copyOf(bytes, bytes.length - 100));
    long before = FileChecksums.filesHashed();
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.openUnverified(copy, dir));
    assertEquals("Model bundle " + copy + ": restorer.pt has " + (bytes.length - 100) + " bytes, the manifest says "
        + bytes.length + ": the bundle is incomplete or was modified", e.getMessage());
    assertEquals(before, FileChecksums.filesHashed());
  }

  @Test
  void unknownFormatVersionIsRejected(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path manifest = copy.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"format_version\":\\s*1", "\"format_version\": 7"));
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
    assertEquals("Model bundle " + copy + ": format_version 7 is not supported by this build (supports 1)",
        e.getMessage());
  }

  @Test
  void bfloat16OnlyBundleOpensAndRunsItsModuleOnEveryDevice(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path manifest = copy.resolve("manifest.json");
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    json.getAsJsonObject("modules").remove(ModelBundle.FLOAT32);
    Files.writeString(manifest, json.toString());
    Files.delete(copy.resolve("restorer.pt"));
    ModelBundle bundle = ModelBundle.open(copy, dir);
    assertEquals(ModelBundle.BFLOAT16, bundle.precisionFor(false));
    assertEquals(ModelBundle.BFLOAT16, bundle.precisionFor(true));
    assertEquals(copy.resolve("restorer-bf16.pt"), bundle.moduleFile(ModelBundle.BFLOAT16));
    assertEquals("swiftvr-tiny has no float32 module",
        assertThrows(IllegalArgumentException.class, () -> bundle.moduleFile(ModelBundle.FLOAT32)).getMessage());
    ModelBundle both = TestBundles.tiny();
    assertEquals(ModelBundle.FLOAT32, both.precisionFor(false));
    assertEquals(ModelBundle.BFLOAT16, both.precisionFor(true));
  }

  @Test
  void theShippedDefaultBundleOpens() throws Exception {
    ModelBundle bundle = ModelBundle.open(TestMedia.repoRoot().resolve("models/swiftvr-small"), Path.of(
        System.getProperty("java.io.tmpdir")));
    assertEquals("swiftvr-small", bundle.manifest().name());
    assertEquals(ModelBundle.BFLOAT16, bundle.precisionFor(false));
  }

  @Test
  void bundleWithoutModulesIsRejected(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path manifest = copy.resolve("manifest.json");
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    json.add("modules", new JsonObject());
    Files.writeString(manifest, json.toString());
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
    assertEquals("Model bundle " + copy + ": manifest lists neither a float32 nor a bfloat16 module", e.getMessage());
  }

  @Test
  void opensATarGzArchiveOnce(@TempDir Path dir) throws Exception {
    Path archive = dir.resolve("tiny.tar.gz");
    Path source = TestBundles.tinyDir();
    try (OutputStream out = Files.newOutputStream(archive);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      try (var files = Files.walk(source)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          TarArchiveEntry entry = new TarArchiveEntry(p.toFile(), "tiny/" + source.relativize(p));
          tar.putArchiveEntry(entry);
          Files.copy(p, tar);
          tar.closeArchiveEntry();
        }
      }
    }
    Path cache = dir.resolve("cache");
    ModelBundle first = ModelBundle.open(archive, cache);
    long hashed = FileChecksums.filesHashed();
    ModelBundle second = ModelBundle.open(archive, cache);
    assertEquals(first.directory(), second.directory());
    assertEquals(TestBundles.tiny().fingerprint(), first.fingerprint());
    assertEquals(hashed, FileChecksums.filesHashed()); // neither the archive nor its modules hashed again
  }

  /** A copy of the tiny bundle whose float32 module has one byte changed (its manifest unchanged). */
  private static Path copyWithCorruptModule(Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path module = copy.resolve("restorer.pt");
    byte[] bytes = Files.readAllBytes(module);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(module, bytes);
    return copy;
  }
}
