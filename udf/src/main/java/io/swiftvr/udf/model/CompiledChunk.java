package io.swiftvr.udf.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.util.NativeResource;
import ai.djl.util.cuda.CudaUtils;
import io.swiftvr.media.FrameSize;
import io.swiftvr.udf.bundle.BundleManifest.Accelerated;
import io.swiftvr.udf.bundle.ModelBundle;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bundle's compiled steady-state chunk function: an AOTInductor package (docs/bundle-format.md, "Accelerated
 * variants") that our JNI library ({@code native/djl-torch-jni/src/aoti.cc}) loads beside the TorchScript module and
 * runs with that module's own weights. It restores a middle chunk (flags 0, uint8 output, states carried) of one input
 * and output size; every other call runs the TorchScript module, which stays the portable path.
 *
 * <p>Variants are picked by {@link #loadFitting}: a variant fits when its precision is the module's, its GPU
 * architecture is the device's and its libtorch version the engine's. When the bundle has variants and none can run
 * (a CPU, another GPU, another libtorch, DJL's published JNI library, a package that fails to load), one log line
 * says why and the model runs TorchScript alone. {@code -Dswiftvr.compiled=false} turns them off (to compare).
 */
public final class CompiledChunk implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledChunk.class);
  static final String KIND = "aoti";
  private final Accelerated variant;
  private final FrameSize input;
  private final FrameSize output;
  private long handle;

  private CompiledChunk(Accelerated variant, long handle) {
    this.variant = variant;
    this.input = new FrameSize(variant.in_size().get(0), variant.in_size().get(1));
    this.output = new FrameSize(variant.out_size().get(0), variant.out_size().get(1));
    this.handle = handle;
  }

  /**
   * Loads every variant of {@code bundle} that fits this machine for the module {@code module} (loaded on
   * {@code device} in {@code precision}); logs one line when the bundle has variants and none is used.
   */
  static List<CompiledChunk> loadFitting(ModelBundle bundle, String precision, Device device, Block module) {
    List<Accelerated> variants = bundle.manifest().acceleratedVariants();
    List<CompiledChunk> loaded = new ArrayList<>();
    if (variants.isEmpty()) {
      return loaded;
    }
    if ("false".equals(System.getProperty("swiftvr.compiled"))) {
      LOG.info("{}: compiled variants off (-Dswiftvr.compiled=false): running the TorchScript module", bundle);
      return loaded;
    }
    Machine machine = Machine.of(device);
    List<String> reasons = new ArrayList<>();
    for (Accelerated v : variants) {
      String unfit = unfitReason(v, precision, machine);
      if (unfit != null) {
        reasons.add(v.file() + ": " + unfit);
        continue;
      }
      try {
        long h = load(bundle.directory().resolve(v.file()).toString(), moduleHandle(module), device.getDeviceId());
        loaded.add(new CompiledChunk(v, h));
      } catch (UnsatisfiedLinkError e) {
        reasons.add(v.file() + ": the DJL JNI library in use cannot load compiled packages (build "
            + "native/djl-torch-jni)");
      } catch (RuntimeException e) {
        reasons.add(v.file() + ": " + e.getMessage());
      }
    }
    if (loaded.isEmpty()) {
      LOG.info("{}: no compiled variant runs on {} ({}): running the TorchScript module. {}", bundle, device,
          machine, String.join("; ", reasons));
    } else {
      LOG.info("{}: compiled variants {} on {} ({})", bundle, loaded, device, machine);
    }
    return loaded;
  }

  /** The machine a variant must have been built for. */
  record Machine(String arch, String torchVersion) {
    static Machine of(Device device) {
      String arch = device.isGpu() ? "sm_" + CudaUtils.getComputeCapability(device.getDeviceId()) : "cpu";
      return new Machine(arch, Engine.getEngine("PyTorch").getVersion());
    }

    @Override
    public String toString() {
      return arch + ", libtorch " + torchVersion;
    }
  }

  /** Why {@code v} cannot run the {@code precision} module on {@code machine}, or null when it can. */
  static String unfitReason(Accelerated v, String precision, Machine machine) {
    if (!KIND.equals(v.kind())) {
      return "kind " + v.kind() + " is not one this build runs (" + KIND + ")";
    }
    if (!precision.equals(v.precision())) {
      return "compiled for the " + v.precision() + " module, the model runs " + precision;
    }
    if (!machine.arch().equals(v.arch())) {
      return "built for " + v.arch() + ", this device is " + machine.arch();
    }
    if (!machine.torchVersion().equals(v.torch_version())) {
      return "built with libtorch " + v.torch_version() + ", the engine's is " + machine.torchVersion();
    }
    return null;
  }

  /** Whether this package restores a middle chunk of {@code frames} frames of {@code in} to {@code out}. */
  boolean runs(int frames, FrameSize in, FrameSize out) {
    return frames == variant.chunk_frames() && input.equals(in) && output.equals(out);
  }

  /**
   * Runs the package on (frames uint8, latent offset [1] int64, the 20 states); returns (frames uint8, the 20 new
   * states), attached to {@code scope}.
   */
  NDList run(NDManager scope, NDList inputs) {
    long[] handles = new long[inputs.size()];
    for (int i = 0; i < handles.length; i++) {
      handles[i] = handleOf(inputs.get(i));
    }
    long[] out = run(handle, handles);
    NDList result = new NDList(out.length);
    for (long h : out) {
      result.add(wrap(scope, h));
    }
    return result;
  }

  @Override
  public synchronized void close() {
    if (handle != 0) {
      free(handle);
      handle = 0;
    }
  }

  @Override
  public String toString() {
    return variant.file() + " (" + input + " -> " + output + ", " + variant.chunk_frames() + " frames)";
  }

  private static long handleOf(Object nativeObject) {
    return (Long) ((NativeResource<?>) nativeObject).getHandle();
  }

  // DJL's PyTorch engine is a run-time dependency of this module (it compiles against ai.djl:api): the two engine
  // members needed here, the TorchScript module's handle (PtSymbolBlock.getHandle) and an NDArray over a tensor
  // handle (PtNDArray's constructor), are reached by reflection.
  private static volatile Constructor<?> ptNDArray;

  private static long moduleHandle(Block module) {
    try {
      return (Long) module.getClass().getMethod("getHandle").invoke(module);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(module.getClass().getName() + " is not DJL's PyTorch TorchScript block: " + e, e);
    }
  }

  private static NDArray wrap(NDManager scope, long tensorHandle) {
    try {
      Constructor<?> c = ptNDArray;
      if (c == null) {
        Class<?> manager = Class.forName("ai.djl.pytorch.engine.PtNDManager");
        c = Class.forName("ai.djl.pytorch.engine.PtNDArray").getConstructor(manager, long.class);
        ptNDArray = c;
      }
      return (NDArray) c.newInstance(scope, tensorHandle);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL's PyTorch engine has no PtNDArray(PtNDManager, long): " + e, e);
    }
  }

  private static native long load(String packagePath, long moduleHandle, int cudaDevice);

  private static native long[] run(long handle, long[] tensorHandles);

  private static native void free(long handle);
}
