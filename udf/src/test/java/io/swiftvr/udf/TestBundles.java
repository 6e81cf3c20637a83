package io.swiftvr.udf;

import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.bundle.InvalidBundleException;
import io.swiftvr.udf.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The model bundles tests use: the tiny one exported with random weights for tests, and the shipped default. */
public final class TestBundles {
  private TestBundles() {}

  /** Exported by model/swiftvr/export.py with random weights (seed 0); its goldens come from PyTorch. */
  public static Path tinyDir() {
    return TestMedia.repoRoot().resolve("udf/src/test/resources/bundles/tiny");
  }

  public static ModelBundle tiny() throws InvalidBundleException {
    return ModelBundle.open(tinyDir(), Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Copies a bundle folder, so a test can damage the copy. */
  public static Path copyOf(Path bundle, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        Path dest = target.resolve(bundle.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return target;
  }
}
