package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * cluster-conf/docker/Dockerfile against the build it packages. No Docker engine runs where the tests run, so this
 * checks what would otherwise break only on a user's cluster: the Spark, Scala and Java versions of the base image,
 * the files it copies, the application jar's name, where the discovery script lands, and the DJL version of the JNI.
 */
class ExecutorImageTest {
  private static final Path REPO = TestMedia.repoRoot();

  private static String dockerfile() throws IOException {
    return Files.readString(REPO.resolve("cluster-conf/docker/Dockerfile"));
  }

  private static String pomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(REPO.resolve(
        "pom.xml")));
    assertTrue(m.find(), "pom.xml has no " + name);
    return m.group(1).strip();
  }

  private static String arg(String name) throws IOException {
    Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile());
    assertTrue(m.find(), "Dockerfile has no default for ARG " + name);
    return m.group(1);
  }

  /** COPY instructions that take files from the build context (not from an earlier stage): [source, target]. */
  private static List<String[]> contextCopies() throws IOException {
    List<String[]> copies = new ArrayList<>();
    for (String line : dockerfile().split("\n")) {
      if (line.startsWith("COPY ") && !line.startsWith("COPY --from")) {
        String[] parts = line.substring(5).trim().split("\\s+");
        assertEquals(2, parts.length, "COPY with one source and one target: " + line);
        copies.add(parts);
      }
    }
    return copies;
  }

  @Test
  void baseImageRunsTheSparkScalaAndJavaOfTheBuild() throws IOException {
    String image = arg("SPARK_IMAGE");
    assertEquals("apache/spark:" + pomProperty("spark.version") + "-scala" + pomProperty("scala.binary.version")
        + "-java" + pomProperty("maven.compiler.release") + "-ubuntu", image);
  }

  @Test
  void copiedFilesExistAndTheJarIsTheDistBuild() throws IOException {
    List<String[]> copies = contextCopies();
    assertFalse(copies.isEmpty());
    String jar = "jobs/target/swiftvr-jobs-" + projectVersion() + "-spark.jar";
    boolean jarCopied = false;
    for (String[] copy : copies) {
      if (copy[0].startsWith("jobs/target/")) {
        assertEquals(jar, copy[0], "the application jar that ./mvnw -Pdist package builds");
        jarCopied = true;
      } else {
        assertTrue(Files.exists(REPO.resolve(copy[0])), copy[0] + " does not exist in the repository");
      }
    }
    assertTrue(jarCopied, "the image must hold the application jar");
  }

  @Test
  void discoveryScriptLandsWhereTheProfilesLookForIt() throws IOException {
    String target = contextCopies().stream().filter(c -> c[0].equals("cluster-conf/gpu-discovery.sh"))
        .map(c -> c[1]).findFirst().orElseThrow(() -> new AssertionError("gpu-discovery.sh is not copied"));
    for (String profile : List.of("kubernetes", "standalone", "standalone-rapids")) {
      assertEquals(target, ClusterProfilesTest.read(profile).get("spark.executor.resource.gpu.discoveryScript"),
          profile);
    }
  }

  @Test
  void jniIsInstalledForTheDjlVersionOfTheBuild() throws IOException {
    String build = Files.readString(REPO.resolve("native/djl-torch-jni/build.sh"));
    assertTrue(build.contains("${DJL_VERSION:-" + pomProperty("djl.version") + "}"),
        "build.sh installs the JNI under DJL " + pomProperty("djl.version") + "'s file name");
    assertTrue(dockerfile().contains("build.sh --install"));
  }

  private static String projectVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>swiftvr-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(REPO.resolve("pom.xml")));
    assertTrue(m.find(), "pom.xml's project version");
    return m.group(1);
  }
}
