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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor preload's path: a model loaded while its bundle is verified is used only once the checksums match. */
class ModelCacheTest {

  @Test
  void modelLoadedWhileVerifyingIsCachedOnceTheChecksumsMatch(@TempDir Path dir) throws Exception {
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    ModelBundle unverified = ModelBundle.openUnverified(copy, dir);
    CompletableFuture<ModelBundle> verified = CompletableFuture.supplyAsync(() -> open(copy, dir));
    RestorerModel model = ModelCache.loadWhileVerifying(unverified, verified, Device.cpu());
    ModelBundle bundle = ModelBundle.open(copy, dir);
    assertTrue(ModelCache.isLoaded(bundle, Device.cpu()));
    assertSame(model, ModelCache.getOrLoad(bundle, Device.cpu()), "tasks find the preloaded model");
  }

  @Test
  void modelOfABundleFailingVerificationIsNotCached(@TempDir Path dir) throws Exception {
    // The module itself is intact and loads; the manifest claims another checksum (a distinct fingerprint too, so no
    // other test's cached model answers for it).
    Path copy = TestBundles.copyOf(TestBundles.tinyDir(), dir.resolve("b"));
    Path manifest = copy.resolve("manifest.json");
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    for (String precision : json.getAsJsonObject("modules").keySet()) {
      json.getAsJsonObject("modules").getAsJsonObject(precision).addProperty("sha256", "0".repeat(64));
    }
    Files.writeString(manifest, json.toString());
    ModelBundle unverified = ModelBundle.openUnverified(copy, dir);
    CompletableFuture<ModelBundle> verified = CompletableFuture.supplyAsync(() -> open(copy, dir));
    InvalidBundleException e = assertThrows(InvalidBundleException.class,
        () -> ModelCache.loadWhileVerifying(unverified, verified, Device.cpu()));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertFalse(ModelCache.isLoaded(unverified, Device.cpu()));
  }

  private static ModelBundle open(Path location, Path cache) {
    try {
      return ModelBundle.open(location, cache);
    } catch (InvalidBundleException e) {
      throw new CompletionException(e);
    }
  }
}
