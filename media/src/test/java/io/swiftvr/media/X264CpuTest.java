package io.swiftvr.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** x264's CPU cap: AVX-512 made its bytes depend on native memory (bench's SegmentEncoderDeterminismTest). */
class X264CpuTest {
  @Test
  void x264IsCappedAtAvx2OnlyWhereAvx512Exists() {
    String avx512 = "processor\t: 0\nflags\t\t: fpu sse2 ssse3 sse4_2 avx avx2 fma bmi1 bmi2 abm avx512f avx512bw\n";
    assertEquals("asm=AVX2", X264Cpu.paramsForCpuinfo(avx512));
    assertNull(X264Cpu.paramsForCpuinfo("flags\t\t: fpu sse2 ssse3 sse4_2 avx avx2 fma bmi1 bmi2 abm\n"));
    assertNull(X264Cpu.paramsForCpuinfo("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n"), "arm64");
    assertNull(X264Cpu.paramsFor(Path.of("/no/such/cpuinfo")));
  }
}
