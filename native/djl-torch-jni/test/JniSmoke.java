import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import java.util.Arrays;
import java.util.Map;

/**
 * Smoke test of our JNI library through DJL's NDArray API: creation, dtype and device moves, arithmetic,
 * reductions, shapes, indexing and IValue containers, on the CPU and (when the engine sees one) on GPU 0. Single
 * file, no build step:
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp 'JARS/*' native/djl-torch-jni/test/JniSmoke.java [cpu|gpu|all]
 * </pre>
 *
 * Prints one line per check and "SMOKE: PASS" or "SMOKE: FAIL (n)"; exit status 0 only on PASS.
 */
public final class JniSmoke {
  private static int failures;

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    Engine engine = Engine.getEngine("PyTorch");
    System.out.println("engine " + engine.getEngineName() + " " + engine.getVersion() + ", GPUs "
        + engine.getGpuCount());
    if (!which.equals("gpu")) {
      run(Device.cpu());
    }
    if (!which.equals("cpu")) {
      if (engine.getGpuCount() > 0) {
        run(Device.gpu());
      } else {
        check("no GPU: the gpu part is skipped (fails only when gpu was asked for)", which.equals("all"));
      }
    }
    System.out.println(failures == 0 ? "SMOKE: PASS" : "SMOKE: FAIL (" + failures + ")");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void run(Device device) {
    System.out.println("-- " + device);
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
      check("create on device", a.getDevice().equals(device) && a.getShape().equals(new Shape(2, 3)));
      check("dtype", a.getDataType() == DataType.FLOAT32);
      check("toFloatArray", Arrays.equals(a.toFloatArray(), new float[] {1, 2, 3, 4, 5, 6}));
      check("add/mul", Arrays.equals(a.add(1).mul(2).toFloatArray(), new float[] {4, 6, 8, 10, 12, 14}));
      NDArray b = a.duplicate();
      b.addi(a);
      check("addi", Arrays.equals(b.toFloatArray(), new float[] {2, 4, 6, 8, 10, 12}));
      check("sum", a.sum().getFloat() == 21f);
      check("sum axis", Arrays.equals(a.sum(new int[] {1}).toFloatArray(), new float[] {6, 15}));
      check("max axis", Arrays.equals(a.max(new int[] {0}).toFloatArray(), new float[] {4, 5, 6}));
      check("mean", Math.abs(a.mean().getFloat() - 3.5f) < 1e-6);
      check("argMax", a.argMax().getLong() == 5L);
      check("transpose/reshape", a.transpose().reshape(6).toFloatArray()[1] == 4f);
      check("toType uint8", Arrays.equals(a.toType(DataType.UINT8, false).toUint8Array(),
          new int[] {1, 2, 3, 4, 5, 6}));
      check("toType int64", a.toType(DataType.INT64, false).getDataType() == DataType.INT64);
      check("toDevice cpu", a.toDevice(Device.cpu(), true).getDevice().equals(Device.cpu()));
      check("get slice", Arrays.equals(a.get(new NDIndex(":, 1:")).toFloatArray(), new float[] {2, 3, 5, 6}));
      check("get row", Arrays.equals(a.get(1).toFloatArray(), new float[] {4, 5, 6}));
      NDArray c = a.duplicate();
      c.set(new NDIndex("0, :"), 0f);
      check("set row", Arrays.equals(c.toFloatArray(), new float[] {0, 0, 0, 4, 5, 6}));
      check("boolean mask", Arrays.equals(a.get(a.gt(3)).toFloatArray(), new float[] {4, 5, 6}));
      NDList split = a.split(3, 1);
      check("split", split.size() == 3 && split.get(2).getShape().equals(new Shape(2, 1)));
      check("concat", NDArrays.concat(a, a).getShape().equals(new Shape(4, 3)));
      check("stack", NDArrays.stack(a, a).getShape().equals(new Shape(2, 2, 3)));
      check("zeros/ones", m.zeros(new Shape(3)).add(m.ones(new Shape(3))).sum().getFloat() == 3f);
      check("arange", Arrays.equals(m.arange(0f, 4f, 1f).toFloatArray(), new float[] {0, 1, 2, 3}));
      check("exp/log", Math.abs(a.exp().log().sub(a).abs().max().getFloat()) < 1e-5);
      check("empty", m.create(new float[0], new Shape(0)).getShape().equals(new Shape(0)));
      check("matMul", m.eye(3).matMul(m.ones(new Shape(3, 2))).sum().getFloat() == 6f);
      check("bool eq", a.eq(a).all().getBoolean());
      check("bfloat16 round trip", Arrays.equals(a.toType(DataType.BFLOAT16, false).toType(DataType.FLOAT32, false)
          .toFloatArray(), new float[] {1, 2, 3, 4, 5, 6}));
      // IValue containers, as TorchScript modules take and return them.
      PtNDManager pm = (PtNDManager) m;
      PtNDArray x = (PtNDArray) a;
      try (IValue t = IValue.from(x);
          IValue tuple = IValue.tupleFrom(t, IValue.from(7L));
          IValue list = IValue.listFrom(x, x);
          IValue map = IValue.stringMapFrom(Map.of("k", x))) {
        IValue[] parts = tuple.toIValueTuple();
        check("tuple", tuple.isTuple() && parts.length == 2 && parts[1].toLong() == 7L);
        check("tensor list", list.isTensorList() && list.toTensorArray(pm).length == 2);
        check("map", map.isMap() && map.toIValueMap().get("k").isTensor());
        check("ivalue tensor device", t.toTensor(pm).getDevice().equals(device));
        check("ivalue type", "Tensor".equals(t.getType()));
        for (IValue p : parts) {
          p.close();
        }
      }
    } catch (RuntimeException | LinkageError e) {
      failures++;
      System.out.println("FAIL " + device + ": " + e);
      e.printStackTrace(System.out);
    }
  }

  private static void check(String what, boolean ok) {
    if (!ok) {
      failures++;
    }
    System.out.println((ok ? "ok   " : "FAIL ") + what);
  }

  /** NDArrays.concat/stack without importing the class name twice. */
  private static final class NDArrays {
    static NDArray concat(NDArray a, NDArray b) {
      return ai.djl.ndarray.NDArrays.concat(new NDList(a, b));
    }

    static NDArray stack(NDArray a, NDArray b) {
      return ai.djl.ndarray.NDArrays.stack(new NDList(a, b));
    }
  }
}
