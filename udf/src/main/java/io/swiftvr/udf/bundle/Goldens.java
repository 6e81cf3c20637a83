package io.swiftvr.udf.bundle;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle's golden files (docs/bundle-format.md): chunks of uint8 input and the float32 output PyTorch computed for
 * them at export, to be replayed in order with the streaming state carried.
 */
public record Goldens(int outHeight, int outWidth, double tolerance, List<Chunk> chunks) {

  /** One golden chunk: {@code frames × height × width × 3} input bytes and the expected output in [0, 1]. */
  public record Chunk(int frames, int height, int width, long latentOffset, byte[] input, float[] expected) {}

  /** Reads {@code golden/golden.json} of a bundle; fails when the bundle has none. */
  public static Goldens read(ModelBundle bundle) throws IOException {
    Path dir = bundle.directory().resolve("golden");
    Path index = dir.resolve("golden.json");
    if (!Files.isRegularFile(index)) {
      throw new IOException(bundle + " has no golden/golden.json");
    }
    JsonObject golden = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
    JsonArray outSize = golden.getAsJsonArray("out_size");
    List<Chunk> chunks = new ArrayList<>();
    for (JsonElement element : golden.getAsJsonArray("chunks")) {
      JsonObject chunk = element.getAsJsonObject();
      JsonArray in = chunk.getAsJsonArray("input_shape");
      byte[] output = Files.readAllBytes(dir.resolve(chunk.get("output").getAsString()));
      float[] expected = new float[output.length / 4];
      ByteBuffer.wrap(output).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
      chunks.add(new Chunk(in.get(0).getAsInt(), in.get(1).getAsInt(), in.get(2).getAsInt(),
          chunk.get("t_offset").getAsLong(), Files.readAllBytes(dir.resolve(chunk.get("input").getAsString())),
          expected));
    }
    return new Goldens(outSize.get(0).getAsInt(), outSize.get(1).getAsInt(), golden.get("tolerance").getAsDouble(),
        List.copyOf(chunks));
  }
}
