package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.TestMedia;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line as a user meets it: a real JVM running Main, its exit status, stdout and stderr. */
class MainCommandLineTest {

  record Result(int status, String out, String err) {}

  /** Runs Main in a new JVM with this test's classpath. */
  static Result main(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir"),
        "io.swiftvr.jobs.Main"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    // Both streams are small here (usage text, one error line); read them after exit.
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "Main did not exit: " + command);
    return new Result(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheUsageAndSucceedsWhereverItStands() throws Exception {
    for (List<String> args : List.of(List.of("-h"), List.of("--help"), List.of("plan", "--help"),
        List.of("run", "-h"), List.of("--input", "x.mp4", "--help"))) {
      Result result = main(args.toArray(String[]::new));
      assertEquals(0, result.status(), args + ": " + result);
      assertTrue(result.out().startsWith("Usage: swiftvr [COMMAND] [options]\nCommands:\n"), args + ": " + result);
      assertTrue(result.out().contains("\n  --crf N             encoder quality, 0..51, lower is better (default 18)\n"),
          args + ": " + result);
      assertEquals("", result.err(), args.toString());
    }
  }

  @Test
  void theClusterLauncherAnswersHelpToo() throws Exception {
    for (String help : List.of("-h", "--help")) {
      Process process = new ProcessBuilder(TestMedia.repoRoot().resolve("bin/swiftvr-submit").toString(), help)
          .redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue(), out);
      assertEquals("Usage: bin/swiftvr-submit PROFILE [command] [options]; profiles: kubernetes local "
          + "standalone-rapids standalone yarn \n", out);
    }
  }

  @Test
  void aBadOptionValueNamesTheOptionAndExits2() throws Exception {
    Result result = main("plan", "--crf", "abc");
    assertEquals(new Result(2, "", "--crf: expected a whole number, got 'abc'\n"), result);
    assertEquals(new Result(2, "", "--chunks-per-shard: expected a whole number, got '1e3'\n"),
        main("--chunks-per-shard=1e3"));
  }
}
