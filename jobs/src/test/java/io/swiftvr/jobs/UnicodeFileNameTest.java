package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real clip named {@code été-東京.mp4} is planned under LANG=C, with the environment the launchers give Java
 * (bin/utf8-locale.sh, which bin/swiftvr-local and bin/swiftvr-submit source), and it is not without it.
 *
 * <p>Everything crossing into the child processes is ASCII (paths, arguments, a script of printf escapes), so this
 * test works under any locale of its own, and the only non-ASCII name is the one the planner finds in the folder.
 */
class UnicodeFileNameTest {
  private static final String NAME = "été-東京.mp4";
  /** {@link #NAME} in UTF-8, as printf octal escapes. */
  private static final String NAME_ESCAPED = "\\303\\251t\\303\\251-\\346\\235\\261\\344\\272\\254.mp4";

  private record Run(int status, String out) {}

  /** Runs {@code script} with bash under LANG=C and no other locale variable, as a minimal server or cron has. */
  private static Run bashUnderLangC(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
    builder.environment().put("LANG", "C");
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), script);
    return new Run(process.exitValue(), out);
  }

  private static Run plan(Path folder, Path output, boolean launcherLocale) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return bashUnderLangC((launcherLocale ? ". \"$1\"; " : "") + "exec \"$2\" -cp \"$3\" -Djava.io.tmpdir=\"$4\" "
            + "-Dorg.bytedeco.javacpp.cachedir=\"$5\" io.swiftvr.jobs.cli.Main plan --input \"$6\" --output \"$7\" "
            + "--model \"$8\"",
        TestMedia.repoRoot().resolve("bin/utf8-locale.sh").toString(), java, System.getProperty("java.class.path"),
        System.getProperty("java.io.tmpdir"), System.getProperty("org.bytedeco.javacpp.cachedir"),
        folder.toString(), output.toString(), TestBundles.tinyDir().toString());
  }

  @Test
  void aNonAsciiFileNameIsPlannedUnderLangC(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("library"));
    Run copy = bashUnderLangC("cp \"$1\" \"$2/$(printf '" + NAME_ESCAPED + "')\"", TestMedia.realShort().toString(),
        folder.toString());
    assertEquals(new Run(0, ""), copy);

    Run planned = plan(folder, dir.resolve("out"), true);
    assertEquals(0, planned.status(), planned.out());
    List<String> lines = planned.out().lines().toList();
    assertTrue(lines.contains(folder.resolve(NAME) + ": h264 320x240, 36 frames at 30.020 fps, 2 keyframes, 1 other "
        + "streams -> 640x480, 1 shards, été-東京.swiftvr.mp4"), planned.out());
    assertEquals("Wrote " + dir.resolve("out/plan.json"), lines.get(lines.size() - 1), planned.out());

    // The same plan with Java under the C locale itself, as before the launchers set C.UTF-8: the name cannot be
    // encoded, and the whole plan stops.
    Run plain = plan(folder, dir.resolve("out-c"), false);
    assertEquals(new Run(2, "Malformed input or input contains unmappable characters: " + folder
        + "/??t??-??????.mp4\n"), plain);
  }
}
