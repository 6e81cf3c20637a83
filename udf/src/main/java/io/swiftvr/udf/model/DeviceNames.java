package io.swiftvr.udf.model;

import ai.djl.Device;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The hardware model behind a DJL device, as throughput reports group by it: the GPU's name from nvidia-smi
 * ("NVIDIA H100 80GB HBM3"), or the CPU's model name with its core count.
 */
public final class DeviceNames {
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private DeviceNames() {}

  public static String describe(Device device) {
    return CACHE.computeIfAbsent(device.toString(), k -> device.isGpu() ? gpuName(device.getDeviceId()) : cpuName());
  }

  private static String gpuName(int index) {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
          Integer.toString(index)).redirectErrorStream(true).start();
      String name;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        name = r.readLine();
      }
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && name != null && !name.isBlank()) {
        return name.trim();
      }
    } catch (IOException e) {
      // no nvidia-smi on this host: fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "GPU " + index + " (unknown model)";
  }

  private static String cpuName() {
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return "CPU " + line.substring(line.indexOf(':') + 1).trim() + " x" + cores;
        }
      }
    } catch (IOException e) {
      // not Linux: fall through
    }
    return "CPU x" + cores;
  }
}
