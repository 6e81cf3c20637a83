package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swiftvr.jobs.plan.InputLister;
import io.swiftvr.jobs.plan.NoVideosFoundException;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.udf.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that hold no video say so, with what was searched and what was skipped, and the run fails. */
class NoVideosFoundTest {
  private static final String SEARCHED = " (folders are searched recursively for .3gp .avi .flv .m2ts .m4v .mkv .mov "
      + ".mp4 .mpeg .mpg .mts .mxf .ogv .ts .webm .wmv); ";

  @Test
  void countsWhatWasSkippedByExtension(@TempDir Path dir) throws Exception {
    Path library = Files.createDirectories(dir.resolve("library/sub"));
    // A real recording under an audio extension, an audio copy, notes and a file without an extension.
    Files.copy(TestMedia.realShort(), library.resolve("interview.m4a"));
    Files.copy(TestMedia.realShort(), dir.resolve("library/music.M4A"));
    Files.writeString(dir.resolve("library/notes.txt"), "shot list\n");
    Files.writeString(library.resolve("README"), "read me\n");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    // Output inside the input folder: its files are ours, never inputs, and not counted.
    Path output = Files.createDirectories(dir.resolve("library/out"));
    Files.writeString(output.resolve("plan.json"), "{}");

    assertEquals("No videos found in " + dir.resolve("library") + ", " + empty + SEARCHED
            + "skipped 4 files that are not videos: 2 .m4a, 1 (no extension), 1 .txt",
        NoVideosFoundException.in(List.of(dir.resolve("library").toString(), empty.toString()),
            InputLister.expand(List.of(dir.resolve("library").toString(), empty.toString()), output.toString()))
            .getMessage());
    assertEquals("No videos found in " + empty + SEARCHED + "found no files at all",
        NoVideosFoundException.in(List.of(empty.toString()),
            InputLister.expand(List.of(empty.toString()), output.toString())).getMessage());
  }

  @Test
  void planningAFolderWithoutVideosFailsWithTheReason(@TempDir Path dir) throws Exception {
    Path library = Files.createDirectories(dir.resolve("library"));
    Files.copy(TestMedia.realShort(), library.resolve("interview.m4a"));
    MainCommandLineTest.Result result = MainCommandLineTest.main("plan", "--input", library.toString(),
        "--output", dir.resolve("out").toString(), "--model", TestBundles.tinyDir().toString());
    assertEquals(new MainCommandLineTest.Result(2, "", "swiftvr plan: No videos found in " + library + SEARCHED
        + "skipped 1 file that is not a video: 1 .m4a\n"), result);
  }
}
