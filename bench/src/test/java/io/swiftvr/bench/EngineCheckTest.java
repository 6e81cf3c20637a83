package io.swiftvr.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The engine doctor on the CPU with the test bundle: the goldens and the byte-output check pass, and an unmeetable
 * tolerance fails. On a GPU the same byte-output check covers the
 * asynchronous host copies (docs/benchmarks-gpu.md, run 5).
 */
class EngineCheckTest {
  @Test
  void passesOnTheTestBundleAndReportsTheByteOutputCheck() throws Exception {
    String out = captured(() -> assertTrue(EngineCheck.run(TestBundles.tinyDir(), "cpu", "auto", Double.NaN, 1)));
    assertTrue(out.contains("byte output (copies synchronous): 2 chunks, max |byte - round(255 float)| = 0: PASS"),
        out);
    assertTrue(out.contains("RESULT: PASS"), out);
  }

  @Test
  void failsWhenTheGoldensAreNotMet() throws Exception {
    // A negative tolerance: no output can be within it, so every golden chunk must be reported as failing.
    String out = captured(() -> assertFalse(EngineCheck.run(TestBundles.tinyDir(), "cpu", "auto", -1, 1)));
    assertTrue(out.contains(": FAIL"), out);
    assertTrue(out.contains("RESULT: FAIL"), out);
  }

  private interface Body {
    void run() throws Exception;
  }

  private static String captured(Body body) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
