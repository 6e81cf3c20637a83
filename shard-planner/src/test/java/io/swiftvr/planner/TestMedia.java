package io.swiftvr.planner;

import java.nio.file.Path;

/** Paths of the real recorded clips that the repository ships in samples/. */
public final class TestMedia {
  private TestMedia() {}

  public static Path repoRoot() {
    return Path.of(System.getProperty("swiftvr.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** 320×240, 36 frames at 30 fps, H.264 + AAC: a real indoor recording (imageio's sample, BSD-2-Clause). */
  public static Path realShort() {
    return repoRoot().resolve("samples/realshort.mp4");
  }
}
