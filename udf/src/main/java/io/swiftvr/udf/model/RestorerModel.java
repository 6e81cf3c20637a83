package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.bundle.ModelBundle;
import io.swiftvr.udf.color.ColorFix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's TorchScript restorer loaded once on one device through DJL. Thread-safe: many
 * {@link StreamingRestorer}s (one per shard being restored) share it, each owning its own state and memory scope.
 */
public final class RestorerModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestorerModel.class);
  private final ModelBundle bundle;
  private final Device device;
  private final String precision;
  private final Model model;
  private final StageTimes stageTimes = new StageTimes();
  private final HostBufferPool hostBuffers;
  private final List<CompiledChunk> compiled;

  private RestorerModel(ModelBundle bundle, Device device, String precision, Model model,
      List<CompiledChunk> compiled) {
    this.bundle = bundle;
    this.device = device;
    this.precision = precision;
    this.model = model;
    this.compiled = compiled;
    // Page-locked where our JNI library can copy asynchronously. Twelve idle buffers: a shard's input and four
    // outputs (ShardRestorer), for two streams at a time, and two spare.
    boolean asyncCopies = device.isGpu() && CudaHostCopies.available();
    if (device.isGpu() && !asyncCopies) {
      LOG.info("Output copies on {} are synchronous: the DJL JNI library in use has no SwiftVR host copies "
          + "(native/djl-torch-jni), or -Dswiftvr.cuda.hostCopies=false", device);
    }
    this.hostBuffers = asyncCopies ? HostBufferPool.pinnedOn(device.getDeviceId(), 12) : HostBufferPool.unpinned(12);
  }

  /** Loads the restorer on a device, in the precision {@link ModelBundle#precisionFor} picks. */
  public static RestorerModel load(ModelBundle bundle, Device device) throws IOException, MalformedModelException {
    String precision = bundle.precisionFor(device.isGpu());
    Path file = bundle.moduleFile(precision);
    Model model = Model.newInstance(bundle.manifest().name(), device, "PyTorch");
    List<CompiledChunk> compiled;
    try {
      String fileName = file.getFileName().toString();
      model.load(file.getParent(), fileName.substring(0, fileName.length() - ".pt".length()),
          Map.of("mapLocation", "true"));
      compiled = CompiledChunk.loadFitting(bundle, precision, device, model.getBlock());
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
    return new RestorerModel(bundle, device, precision, model, compiled);
  }

  /** The compiled chunk function for a middle chunk of this shape, or null: the TorchScript module runs it. */
  CompiledChunk compiledFor(int frames, FrameSize input, FrameSize output) {
    for (CompiledChunk c : compiled) {
      if (c.runs(frames, input, output)) {
        return c;
      }
    }
    return null;
  }

  /** The compiled variants in use (empty: the TorchScript module runs every chunk), for reports. */
  public String compiledVariants() {
    return compiled.isEmpty() ? "none (TorchScript only)" : compiled.toString();
  }

  /** Starts a new stream (a shard, or a whole video) with empty state, restoring to frames of {@code output}. */
  public StreamingRestorer newStream(FrameSize output) {
    return newStream(output, ColorFix.NONE, 1);
  }

  /**
   * {@link #newStream(FrameSize)} with the output's colours matched to the input's by {@code colorFix}, writing
   * samples of {@code outSampleBytes}: 1 (8-bit) or 2 (16-bit,
   * {@code rgb48le}, for 10-bit output; the bundle must take 16-bit samples, its manifest's {@code stream.sample_bits}).
   */
  public StreamingRestorer newStream(FrameSize output, ColorFix colorFix, int outSampleBytes) {
    return new StreamingRestorer(this, model.getNDManager().newSubManager(device), output, colorFix, outSampleBytes);
  }

  /**
   * Time spent in the model's stages by every stream of this model since the last {@link StageTimes#reset}: for
   * benchmarks; counting costs two clock reads per stage and chunk.
   */
  public StageTimes stageTimes() {
    return stageTimes;
  }

  /** Whether output copies run on a side CUDA stream into page-locked buffers ({@link CudaHostCopies}). */
  public boolean copiesAsynchronously() {
    return hostBuffers.pinned();
  }

  /** How output copies run, in words, for the reports of benchmarks and checks. */
  public String outputCopies() {
    return copiesAsynchronously() ? "asynchronous (side CUDA stream, page-locked buffers)" : "synchronous";
  }

  HostBufferPool hostBuffers() {
    return hostBuffers;
  }

  NDList forward(NDManager manager, NDList inputs) {
    return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
  }

  public ModelBundle bundle() {
    return bundle;
  }

  public Device device() {
    return device;
  }

  public String precision() {
    return precision;
  }

  @Override
  public void close() {
    try {
      hostBuffers.close();
    } finally {
      compiled.forEach(CompiledChunk::close);
      model.close();
    }
  }
}
