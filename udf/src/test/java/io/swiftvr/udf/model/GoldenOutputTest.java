package io.swiftvr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.TestBundles;
import io.swiftvr.udf.bundle.Goldens;
import io.swiftvr.udf.bundle.ModelBundle;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript restorer run through DJL's PyTorch engine (libtorch 2.7.1, CPU) reproduces the outputs PyTorch
 * computed at export, chunk after chunk with the streaming state carried in Java.
 */
class GoldenOutputTest {

  @Test
  void djlReproducesThePytorchGoldensWithCarriedState() throws Exception {
    ModelBundle bundle = TestBundles.tiny();
    Goldens golden = Goldens.read(bundle);
    try (RestorerModel model = RestorerModel.load(bundle, Device.cpu());
        StreamingRestorer stream = model.newStream(new FrameSize(golden.outWidth(), golden.outHeight()))) {
      int chunkIndex = 0;
      for (Goldens.Chunk chunk : golden.chunks()) {
        float[] actual = stream.restore(input(chunk), StreamingRestorer.floats());
        float[] expected = chunk.expected();
        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("golden chunk %d: max |DJL - PyTorch| = %.3g%n", chunkIndex, maxDiff);
        assertTrue(maxDiff <= golden.tolerance(), "chunk " + chunkIndex + " differs by " + maxDiff);
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
        StreamingRestorer stream = model.newStream(new FrameSize(96, 64))) {
      byte[] chunk = new byte[24 * 30 * 45 * 3];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) (i * 31);
      }
      for (int k = 0; k < 6; k++) {
        stream.restore(new StreamingRestorer.Chunk(chunk, 24, new FrameSize(45, 30), k * 6L, 0),
            StreamingRestorer.bytes());
        assertEquals(states, stream.liveArrays(), "after chunk " + k + " only the state is alive");
      }
    }
  }

  /** A golden chunk as the stream's input. */
  private static StreamingRestorer.Chunk input(Goldens.Chunk chunk) {
    return new StreamingRestorer.Chunk(chunk.input(), chunk.frames(), new FrameSize(chunk.width(), chunk.height()),
        chunk.latentOffset(), 0);
  }
}
