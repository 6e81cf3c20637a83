package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        "io.swiftvr.jobs.cli.Main"));
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
  void helpListsTheCommandsAndSucceeds() throws Exception {
    for (String help : List.of("-h", "--help")) {
      Result result = main(help);
      assertEquals(0, result.status(), help + ": " + result);
      assertTrue(result.out().startsWith("Usage: swiftvr [-h] [COMMAND]\n"), result.out());
      for (String command : List.of("run", "plan", "restore", "merge", "report", "doctor")) {
        assertTrue(result.out().contains("\n  " + command + " "), command + " in " + result.out());
      }
      assertEquals("", result.err(), help);
    }
  }

  @Test
  void eachCommandHasItsOwnHelpWithOnlyItsOptions() throws Exception {
    String crf = "--crf=N";
    for (List<String> args : List.of(List.of("plan", "--help"), List.of("run", "-h"),
        List.of("--input", "x.mp4", "--help"))) {
      Result result = main(args.toArray(String[]::new));
      assertEquals(0, result.status(), args + ": " + result);
      assertTrue(result.out().startsWith("Usage: swiftvr " + (args.get(0).equals("plan") ? "plan" : "run") + " "),
          args + ": " + result.out());
      assertTrue(result.out().contains(crf) && result.out().contains(
          "encoder quality, 0..51, lower is better (default: 18)"), args + ": " + result.out());
      assertEquals("", result.err(), args.toString());
    }
    Result restore = main("restore", "--help");
    assertEquals(0, restore.status(), restore.toString());
    assertTrue(restore.out().contains("--retry-failed") && restore.out().contains("--output=DIR"), restore.out());
    assertFalse(restore.out().contains(crf), restore.out());
  }

  @Test
  void anOptionACommandDoesNotTakeIsRefused() throws Exception {
    assertEquals(new Result(2, "", "Unknown options: '--crf', '20'\nSee 'swiftvr restore --help'.\n"),
        main("restore", "--crf", "20"));
    assertEquals(new Result(2, "", "Unknown option: '--prices'\nSee 'swiftvr merge --help'.\n"),
        main("merge", "--prices"));
    assertEquals(new Result(2, "", "Unmatched argument at index 0: 'bogus'\nSee 'swiftvr --help'.\n"),
        main("bogus"));
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
    assertEquals(new Result(2, "", "Invalid value for option '--crf': expected a whole number, got 'abc'\n"
        + "See 'swiftvr plan --help'.\n"), result);
    assertEquals(new Result(2, "", "Invalid value for option '--chunks-per-shard': expected a whole number, got '1e3'\n"
        + "See 'swiftvr run --help'.\n"), main("--chunks-per-shard=1e3"));
  }
}
