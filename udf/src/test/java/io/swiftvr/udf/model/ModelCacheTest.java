package io.swiftvr.udf.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor preload's path: a model loaded while its bundle is verified is used only once the checksums match. */
class ModelCacheTest {

  @Test
  void modelLoadedWhileVerifyingIsCachedOnceTheChecksumsMatch(@TempDir Path dir) throws Exception {
    // The tiny bundle with its float32 module only: a fingerprint of its own, so the model is loaded here and not
    // found in the cache from another test.
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    editManifest(copy, modules -> modules.remove(ModelBundle.BFLOAT16));
    ModelBundle unverified = ModelBundle.openUnverified(copy, dir);
    assertFalse(ModelCache.isLoaded(unverified, Device.cpu()));
    RestorerModel model = ModelCache.loadWhileVerifying(unverified,
        unverified.verifyAsync(work -> new Thread(work, "verify").start()),
        Device.cpu());
    ModelBundle bundle = ModelBundle.open(copy, dir);
    assertTrue(ModelCache.isLoaded(bundle, Device.cpu()));
    assertSame(model, ModelCache.getOrLoad(bundle, Device.cpu()), "tasks find the preloaded model");
  }

  @Test
  void modelOfABundleFailingVerificationIsNotCached(@TempDir Path dir) throws Exception {
    // The module itself is intact and loads; the manifest claims another checksum (a distinct fingerprint too, so no
    // other test's cached model answers for it).
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    editManifest(copy, modules -> {
      for (String precision : modules.keySet()) {
        modules.getAsJsonObject(precision).addProperty("sha256", "0".repeat(64));
      }
    });
    ModelBundle unverified = ModelBundle.openUnverified(copy, dir);
    CompletableFuture<ModelBundle> verification = unverified.verifyAsync(Runnable::run);
    InvalidBundleException e = assertThrows(InvalidBundleException.class,
        () -> ModelCache.loadWhileVerifying(unverified, verification, Device.cpu()));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertFalse(ModelCache.isLoaded(unverified, Device.cpu()));
  }

  private static void editManifest(Path bundle, Consumer<JsonObject> modules) throws IOException {
    Path manifest = bundle.resolve("manifest.json");
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    modules.accept(json.getAsJsonObject("modules"));
    Files.writeString(manifest, json.toString());
  }
}
