package io.swiftvr.udf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.BundleManifest.Accelerated;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which accelerated variants of a bundle run where, and that a bundle whose variants cannot run here restores through
 * its TorchScript module exactly as the same bundle without them (the tests' engine is DJL's published libtorch
 * 2.7.1 JNI on a CPU, which has no compiled-package natives).
 */
class CompiledChunkTest {
  private static final CompiledChunk.Machine H100 = new CompiledChunk.Machine("sm_90", "2.11.0");

  private static Accelerated variant(String kind, String precision, String arch, String torch) {
    return new Accelerated(kind, "chunk.pt2", "0", 0, precision, arch, torch, List.of(640, 360),
        List.of(2560, 1440), 24);
  }

  @Test
  void aVariantRunsOnlyOnTheArchitectureLibtorchAndPrecisionItWasBuiltFor() {
    assertNull(CompiledChunk.unfitReason(variant("aoti", "bfloat16", "sm_90", "2.11.0"), "bfloat16", H100));
    assertEquals("built for sm_90, this device is sm_80", CompiledChunk.unfitReason(
        variant("aoti", "bfloat16", "sm_90", "2.11.0"), "bfloat16", new CompiledChunk.Machine("sm_80", "2.11.0")));
    assertEquals("built with libtorch 2.10.0, the engine's is 2.11.0", CompiledChunk.unfitReason(
        variant("aoti", "bfloat16", "sm_90", "2.10.0"), "bfloat16", H100));
    assertEquals("compiled for the bfloat16 module, the model runs float32", CompiledChunk.unfitReason(
        variant("aoti", "bfloat16", "sm_90", "2.11.0"), "float32", H100));
    assertTrue(CompiledChunk.unfitReason(variant("tensorrt", "bfloat16", "sm_90", "2.11.0"), "bfloat16", H100)
        .startsWith("kind tensorrt"));
  }

  @Test
  void aBundleWhoseVariantsCannotRunHereRestoresThroughTorchScript(@TempDir Path dir) throws Exception {
    String engine = Engine.getEngine("PyTorch").getVersion();
    // One variant for a GPU (never this CPU), one that claims this machine and engine: DJL's published JNI library
    // has no compiled-package natives, so loading it fails and the model falls back instead of failing.
    ModelBundle bundle = withVariants(dir.resolve("bundle"),
        entry("gpu.pt2", "sm_90", "2.11.0"), entry("here.pt2", "cpu", engine));
    assertEquals(2, bundle.manifest().acceleratedVariants().size());
    byte[] expected = restoreTwoChunks(TestBundles.tiny());
    try (RestorerModel model = RestorerModel.load(bundle, Device.cpu())) {
      assertEquals("none (TorchScript only)", model.compiledVariants());
    }
    assertArrayEquals(expected, restoreTwoChunks(bundle));
  }

  @Test
  void aVariantFileIsCheckedLikeAModule(@TempDir Path dir) throws Exception {
    Path copy = withVariants(dir.resolve("bundle"), entry("gpu.pt2", "sm_90", "2.11.0")).directory();
    Files.writeString(copy.resolve("gpu.pt2"), "modified");
    InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> ModelBundle.open(copy, dir));
    assertTrue(e.getMessage().contains("gpu.pt2"), e.getMessage());
  }

  private static byte[] restoreTwoChunks(ModelBundle bundle) throws Exception {
    try (RestorerModel model = RestorerModel.load(bundle, Device.cpu());
        StreamingRestorer stream = model.newStream(new FrameSize(96, 64))) {
      byte[] chunk = new byte[24 * 30 * 45 * 3];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) (i * 31);
      }
      stream.restore(new StreamingRestorer.Chunk(chunk, 24, new FrameSize(45, 30), 0, 0), StreamingRestorer.bytes());
      return stream.restore(new StreamingRestorer.Chunk(chunk, 24, new FrameSize(45, 30), 6, 0),
          StreamingRestorer.bytes());
    }
  }

  private record Entry(String file, String arch, String torch) {}

  private static Entry entry(String file, String arch, String torch) {
    return new Entry(file, arch, torch);
  }

  /**
   * A copy of the tiny test bundle whose manifest lists accelerated variants for 45x30 -> 96x64 middle chunks. Their
   * files are not AOTInductor packages (none is opened: either the machine does not fit or the JNI library cannot
   * load packages); they are there so that the bundle's checksums hold.
   */
  private static ModelBundle withVariants(Path target, Entry... entries) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), target);
    Path manifestFile = copy.resolve("manifest.json");
    JsonObject manifest = new Gson().fromJson(Files.readString(manifestFile), JsonObject.class);
    JsonArray accelerated = new JsonArray();
    for (Entry e : entries) {
      byte[] content = ("variant fixture " + e.file()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Files.write(copy.resolve(e.file()), content);
      JsonObject v = new JsonObject();
      v.addProperty("kind", "aoti");
      v.addProperty("file", e.file());
      v.addProperty("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
      v.addProperty("bytes", content.length);
      v.addProperty("precision", "float32");
      v.addProperty("arch", e.arch());
      v.addProperty("torch_version", e.torch());
      v.add("in_size", new Gson().toJsonTree(List.of(45, 30)));
      v.add("out_size", new Gson().toJsonTree(List.of(96, 64)));
      v.addProperty("chunk_frames", 24);
      accelerated.add(v);
    }
    manifest.add("accelerated", accelerated);
    Files.writeString(manifestFile, new Gson().toJson(manifest));
    return ModelBundle.open(copy, target.resolveSibling("cache"));
  }
}
