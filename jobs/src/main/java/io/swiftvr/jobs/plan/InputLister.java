package io.swiftvr.jobs.plan;

import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the job's inputs: files as given, folders into the video files below them (sorted, so plans are stable).
 * Nothing below the output folder is an input, so an output folder inside an input folder is never restored again.
 * Each input keeps its path relative to the folder it was found in, which its output mirrors below the output
 * folder, so {@code a/clip.mp4} and {@code b/clip.mp4} of one library never write the same output. A file listed
 * twice is one input.
 */
public final class InputLister {
  /**
   * One input video.
   *
   * @param relativePath its path below the folder given as input ({@code a/clip.mp4}), or its file name when the
   *     file itself was given; always with '/' separators
   */
  public record Listed(String location, String relativePath) {}

  /**
   * What the inputs hold: the videos, and the files found in the input folders that are not videos, counted by
   * extension (an audio-only {@code .m4a}, notes), so a run says what it left alone.
   */
  public record Listing(List<Listed> videos, Map<String, Integer> skippedByExtension) {
    /** "skipped 2 files that are not videos: 1 .m4a, 1 .txt", or "" when nothing was skipped. */
    public String skipped() {
      int total = skippedByExtension.values().stream().mapToInt(Integer::intValue).sum();
      if (total == 0) {
        return "";
      }
      List<Map.Entry<String, Integer>> byCount = new ArrayList<>(skippedByExtension.entrySet());
      byCount.sort(Map.Entry.<String, Integer>comparingByValue(java.util.Comparator.reverseOrder())
          .thenComparing(Map.Entry.comparingByKey()));
      return "skipped " + total + (total == 1 ? " file that is not a video: " : " files that are not videos: ")
          + String.join(", ", byCount.stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }
  }

  static final Set<String> VIDEO_EXTENSIONS = Set.of(
      "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "m2ts", "mts", "wmv", "flv", "3gp", "ogv", "mxf");

  private InputLister() {}

  public static Listing expand(List<String> inputs, String outputDir) throws IOException {
    Location outputLocation = Location.of(outputDir);
    Path output = outputLocation.isRemote() ? null : outputLocation.localPath().toAbsolutePath().normalize();
    String outputPrefix = outputDir.endsWith("/") ? outputDir : outputDir + "/";
    Map<String, Listed> files = new LinkedHashMap<>();
    Map<String, Integer> skipped = new java.util.TreeMap<>();
    for (String input : withManifests(inputs)) {
      Location location = Location.of(input);
      if (location.isRemote()) {
        Storage storage = location.storage();
        if (storage.isDirectory(input)) {
          String prefix = input.endsWith("/") ? input : input + "/";
          for (Storage.FileInfo f : storage.list(input, true)) {
            if (f.location().startsWith(outputPrefix) || !f.location().startsWith(prefix)) {
              continue;
            }
            if (looksLikeVideo(f.location())) {
              files.putIfAbsent(f.location(), new Listed(f.location(), f.location().substring(prefix.length())));
            } else {
              skipped.merge(extension(f.location()), 1, Integer::sum);
            }
          }
        } else {
          files.putIfAbsent(input, new Listed(input, input.substring(input.lastIndexOf('/') + 1)));
        }
        continue;
      }
      Path path = Path.of(input);
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          for (Path p : walk.filter(Files::isRegularFile)
              .filter(f -> output == null || !f.toAbsolutePath().normalize().startsWith(output)).sorted().toList()) {
            if (looksLikeVideo(p.getFileName().toString())) {
              String relative = path.relativize(p).toString().replace(java.io.File.separatorChar, '/');
              files.putIfAbsent(p.toString(), new Listed(p.toString(), relative));
            } else {
              skipped.merge(extension(p.getFileName().toString()), 1, Integer::sum);
            }
          }
        }
      } else {
        // a missing or bad file becomes an error row with its reason, not a crash here
        files.putIfAbsent(input, new Listed(input, path.getFileName() == null ? input : path.getFileName().toString()));
      }
    }
    return new Listing(List.copyOf(files.values()), skipped);
  }

  /**
   * Replaces every {@code @FILE} input by the lines of FILE (a manifest: one video or folder per line; blank lines
   * and lines starting with '#' are skipped; relative paths are relative to the manifest's folder).
   */
  private static List<String> withManifests(List<String> inputs) throws IOException {
    List<String> all = new ArrayList<>();
    for (String input : inputs) {
      if (!input.startsWith("@")) {
        all.add(input);
        continue;
      }
      Path manifest = Path.of(input.substring(1));
      if (!Files.isRegularFile(manifest)) {
        throw new IOException("Input manifest not found: " + manifest);
      }
      Path base = manifest.toAbsolutePath().getParent();
      for (String line : Files.readAllLines(manifest)) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          Location listed = Location.parse(l);
          all.add(listed.isRemote() ? l : base.resolve(listed.localPath()).toString());
        }
      }
    }
    return all;
  }

  private static String extension(String name) {
    String file = name.substring(name.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(dot).toLowerCase(Locale.ROOT) : "(no extension)";
  }

  private static boolean looksLikeVideo(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
