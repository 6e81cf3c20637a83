package io.swiftvr.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The inputs hold no video: a run over them would restore nothing and report "0/0", which looks like success. The
 * message says what was searched, what counts as a video, and what was found instead, so a wrong folder or an
 * unexpected extension is seen at once.
 */
public final class NoVideosFoundException extends IOException {

  private NoVideosFoundException(String message) {
    super(message);
  }

  /**
   * Describes inputs that listed no video. Lists the input folders again to count the files skipped for their
   * extension; this runs only when nothing was found, so the second listing costs nothing that matters.
   *
   * @param inputs the inputs as the user gave them
   * @param outputDir the output folder, whose files are never inputs and are not counted
   */
  static NoVideosFoundException in(List<String> inputs, String outputDir) throws IOException {
    Map<String, Integer> skipped = new TreeMap<>();
    Path output = Storage.isRemote(outputDir) ? null : Path.of(outputDir).toAbsolutePath().normalize();
    String outputPrefix = outputDir.endsWith("/") ? outputDir : outputDir + "/";
    for (String input : inputs) {
      if (Storage.isRemote(input)) {
        Storage storage = Storage.forLocation(input);
        if (storage.isDirectory(input)) {
          for (Storage.FileInfo f : storage.list(input, true)) {
            if (!f.location().startsWith(outputPrefix)) {
              skipped.merge(extension(f.location()), 1, Integer::sum);
            }
          }
        }
      } else if (!input.startsWith("@") && Files.isDirectory(Path.of(input))) {
        try (Stream<Path> walk = Files.walk(Path.of(input))) {
          walk.filter(Files::isRegularFile)
              .filter(p -> output == null || !p.toAbsolutePath().normalize().startsWith(output))
              .forEach(p -> skipped.merge(extension(p.getFileName().toString()), 1, Integer::sum));
        }
      }
    }
    int total = skipped.values().stream().mapToInt(Integer::intValue).sum();
    List<Map.Entry<String, Integer>> byCount = new ArrayList<>(skipped.entrySet());
    byCount.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    String found = total == 0 ? "found no files at all"
        : "skipped " + total + (total == 1 ? " file that is not a video: " : " files that are not videos: ")
            + String.join(", ", byCount.stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    return new NoVideosFoundException("No videos found in " + String.join(", ", inputs)
        + " (folders are searched recursively for " + String.join(" ", videoExtensions()) + "); " + found);
  }

  private static List<String> videoExtensions() {
    return InputLister.VIDEO_EXTENSIONS.stream().sorted().map(e -> "." + e).toList();
  }

  private static String extension(String name) {
    String file = name.substring(name.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(dot).toLowerCase(Locale.ROOT) : "(no extension)";
  }
}
