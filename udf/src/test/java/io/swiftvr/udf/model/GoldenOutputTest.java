package io.swiftvr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.ModelBundle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript restorer run through DJL's PyTorch engine (libtorch 2.7.1, CPU) reproduces the outputs PyTorch
 * computed at export, chunk after chunk with the streaming state carried in Java.
 */
class GoldenOutputTest {

  @Test
  void djlReproducesThePytorchGoldensWithCarriedState() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    Path goldenDir = bundle.directory().resolve("golden");
    JsonObject golden = JsonParser.parseString(Files.readString(goldenDir.resolve("golden.json"))).getAsJsonObject();
    JsonArray outSize = golden.getAsJsonArray("out_size");
    double tolerance = golden.get("tolerance").getAsDouble();
    try (RestorerModel model = RestorerModel.load(bundle, Device.cpu());
        StreamingRestorer stream = model.newStream(outSize.get(0).getAsInt(), outSize.get(1).getAsInt())) {
      int chunkIndex = 0;
      for (JsonElement element : golden.getAsJsonArray("chunks")) {
        JsonObject chunk = element.getAsJsonObject();
        JsonArray in = chunk.getAsJsonArray("input_shape");
        byte[] input = Files.readAllBytes(goldenDir.resolve(chunk.get("input").getAsString()));
        float[] expected = floats(Files.readAllBytes(goldenDir.resolve(chunk.get("output").getAsString())));
        float[] actual = stream.restoreFloat(input, in.get(0).getAsInt(), in.get(1).getAsInt(), in.get(2).getAsInt(),
            chunk.get("t_offset").getAsLong());
        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("golden chunk %d: max |DJL - PyTorch| = %.3g%n", chunkIndex, maxDiff);
        assertTrue(maxDiff <= tolerance, "chunk " + chunkIndex + " differs by " + maxDiff);
        chunkIndex++;
      }
      assertTrue(chunkIndex >= 2, "goldens cover state carried across chunks");
    }
  }

  @Test
  void nativeMemoryStaysFlatOverManyChunks() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    int states = bundle.manifest().stream().state_tensors();
    try (RestorerModel model = RestorerModel.load(bundle, Device.cpu());
        StreamingRestorer stream = model.newStream(64, 96)) {
      byte[] chunk = new byte[24 * 30 * 45 * 3];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) (i * 31);
      }
      for (int k = 0; k < 6; k++) {
        stream.restore(chunk, 24, 30, 45, k * 6L);
        assertEquals(states, stream.liveArrays(), "after chunk " + k + " only the state is alive");
      }
    }
  }

  private static float[] floats(byte[] bytes) {
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
