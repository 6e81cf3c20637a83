package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.plan.JobOptions;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks in notebooks/, executed headless with Debian's nbconvert as a user would run them: on a report the
 * job writes here, and on the evaluation table in docs/quality.md. Checks that every plot was written as a PNG.
 * Without Debian's Jupyter packages (notebooks/install-jupyter.sh, run by the build, installs them where it can) the
 * test is skipped, except on CI, where it fails.
 */
class NotebooksTest {
  private static final Path NBCONVERT = Path.of("/usr/bin/jupyter-nbconvert");

  @BeforeAll
  static void needsJupyter() throws Exception {
    boolean ready = Files.isExecutable(NBCONVERT)
        && run(List.of("/usr/bin/python3", "-c", "import pandas, matplotlib, nbclient, ipykernel"), Map.of(),
            Path.of(".")).exitCode == 0;
    if (!ready) {
      String missing = "Debian's jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib are not "
          + "installed (notebooks/install-jupyter.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(missing);
      }
      Assumptions.abort(missing);
    }
  }

  @Test
  void throughputNotebookPlotsAReportOfTheJob(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[1]")
        .setAppName("NotebooksTest").set("spark.ui.enabled", "false"))) {
      JobOptions options = Main.parseRunOptions(List.of("--input", TestMedia.realShort().toString(), "--output",
          out.toString(), "--model", TestBundles.tinyDir().toString(), "--prices", writePrices(dir).toString()));
      RestoreJob.Result result = RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream()));
      assertEquals("restored", result.videos().get(0).status());
    }
    Path plots = dir.resolve("plots");
    execute("throughput.ipynb", dir, Map.of("SWIFTVR_REPORTS", out.resolve("report").toString(),
        "SWIFTVR_PLOTS", plots.toString()));
    for (String plot : List.of("throughput_per_device", "cost_per_video_hour", "stage_breakdown", "shard_times")) {
      assertPng(plots.resolve(plot + ".png"));
    }
  }

  @Test
  void qualityNotebookPlotsTheEvaluationTable(@TempDir Path dir) throws Exception {
    Path plots = dir.resolve("plots");
    execute("quality.ipynb", dir, Map.of("SWIFTVR_QUALITY", TestMedia.repoRoot().resolve("docs/quality.md").toString(),
        "SWIFTVR_PLOTS", plots.toString()));
    assertPng(plots.resolve("quality_psnr_ssim.png"));
    assertPng(plots.resolve("quality_flicker.png"));
  }

  /** A price for the CPU this test runs on, so the cost plot is drawn from the report's own cost column. */
  private static Path writePrices(Path dir) throws IOException {
    Path prices = dir.resolve("prices.csv");
    Files.writeString(prices, "# device,usd_per_hour\nCPU,0.10\n");
    return prices;
  }

  private static void execute(String notebook, Path dir, Map<String, String> env) throws Exception {
    Path notebooks = TestMedia.repoRoot().resolve("notebooks");
    Result r = run(List.of(NBCONVERT.toString(), "--to", "notebook", "--execute", notebook, "--output-dir",
        dir.resolve("executed").toString()), env, notebooks);
    assertEquals(0, r.exitCode, notebook + " failed:\n" + r.output);
  }

  private static void assertPng(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png + " was not written");
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " is not an image");
    assertTrue(image.getWidth() >= 400 && image.getHeight() >= 150, png + " is only " + image.getWidth() + "x"
        + image.getHeight());
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Map<String, String> env, Path workDir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    // Keep Jupyter's and matplotlib's caches in the build folder, not the user's home.
    Path home = TestMedia.repoRoot().resolve("target/jupyter");
    pb.environment().put("JUPYTER_RUNTIME_DIR", home.resolve("runtime").toString());
    pb.environment().put("JUPYTER_DATA_DIR", home.resolve("data").toString());
    pb.environment().put("MPLCONFIGDIR", home.resolve("matplotlib").toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 5 minutes");
    }
    return new Result(p.exitValue(), output);
  }
}
