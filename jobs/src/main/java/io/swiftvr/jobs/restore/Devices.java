package io.swiftvr.jobs.restore;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Which device a shard runs on, and how that device is named in logs. */
public final class Devices {
  /** nvidia-smi's index, UUID, PCI bus id and name per CUDA ordinal, asked once per executor JVM. */
  private static final Map<Integer, String> GPU_IDS = new ConcurrentHashMap<>();

  private Devices() {}

  /**
   * The GPU the scheduler assigned, if any; otherwise the CPU, or GPU 0 when asked for ({@code gpu}) or when one is
   * visible and the preference is {@code auto}.
   */
  public static Device choose(String preference, List<Integer> assignedGpus) {
    if ("cpu".equals(preference)) {
      return Device.cpu();
    }
    if (!assignedGpus.isEmpty()) {
      return Device.gpu(assignedGpus.get(0));
    }
    if ("gpu".equals(preference) || Engine.getInstance().getGpuCount() > 0 && "auto".equals(preference)) {
      if (Engine.getInstance().getGpuCount() == 0) {
        throw new IllegalStateException("--device gpu was asked for, but the PyTorch engine sees no GPU");
      }
      return Device.gpu(0);
    }
    return Device.cpu();
  }

  /**
   * A GPU's identity from nvidia-smi, for checking GPU scheduling from executor logs: the CUDA ordinal mapped through
   * CUDA_VISIBLE_DEVICES (nvidia-smi numbers GPUs in PCI bus order, as CUDA does with CUDA_DEVICE_ORDER=PCI_BUS_ID).
   */
  static String gpuId(int ordinal) {
    return GPU_IDS.computeIfAbsent(ordinal, Devices::askNvidiaSmi);
  }

  private static String askNvidiaSmi(int ordinal) {
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    String selector = Integer.toString(ordinal);
    if (visible != null && !visible.isBlank()) {
      String[] ids = visible.split(",");
      selector = ordinal < ids.length ? ids[ordinal].trim() : selector;
    }
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,uuid,pci.bus_id,name", "--format=csv,noheader",
          "-i", selector).redirectErrorStream(true).start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? "[" + line + "]"
          : "failed for -i " + selector + ": " + line;
    } catch (IOException e) {
      return "unavailable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
