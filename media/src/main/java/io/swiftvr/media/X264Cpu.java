package io.swiftvr.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU code paths x264 may use. On CPUs with AVX-512, x264's AVX-512 functions made the encoded bytes depend on
 * the contents of native memory: encoding the same 160×96 frames 60 times, with other native allocations in
 * between (as decoder and model threads make in a shard), gave 4 different files; capped at AVX2, 1 file in 60
 * (the bench module's {@code EncoderRepeatability}; docs/sharding.md, "Encoder determinism"). A retried or resumed shard
 * must encode to the same bytes, so x264 is capped at AVX2 there, at about 5% more encoder CPU time. CPUs without
 * AVX-512 keep x264's own detection, which never picks those paths for them.
 */
public final class X264Cpu {
  /** The x264-params for this machine, or null to leave x264's own CPU detection alone. */
  public static final String PARAMS = paramsFor(Path.of("/proc/cpuinfo"));

  private X264Cpu() {}

  static String paramsFor(Path cpuinfo) {
    try {
      return Files.isReadable(cpuinfo) ? paramsForCpuinfo(Files.readString(cpuinfo)) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code asm=AVX2} when the flags of /proc/cpuinfo name AVX-512 (which always comes with AVX2), else null. */
  static String paramsForCpuinfo(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      if (line.startsWith("flags")) {
        Set<String> flags = Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
            .collect(Collectors.toSet());
        return flags.contains("avx512f") && flags.contains("avx2") ? "asm=AVX2" : null;
      }
    }
    return null;
  }
}
