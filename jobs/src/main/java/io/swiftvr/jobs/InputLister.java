package io.swiftvr.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the job's inputs: files as given, folders into the video files below them (sorted, so plans are stable).
 * Nothing below the output folder is an input, so an output folder inside an input folder is never restored again.
 * Each input keeps its path relative to the folder it was found in, which its output mirrors below the output
 * folder, so {@code a/clip.mp4} and {@code b/clip.mp4} of one library never write the same output. A file listed
 * twice is one input.
 */
final class InputLister {
  /**
   * One input video.
   *
   * @param relativePath its path below the folder given as input ({@code a/clip.mp4}), or its file name when the
   *     file itself was given; always with '/' separators
   */
  record Listed(String location, String relativePath) {}

  static final Set<String> VIDEO_EXTENSIONS = Set.of(
      "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "m2ts", "mts", "wmv", "flv", "3gp", "ogv", "mxf");

  private InputLister() {}

  static List<Listed> expand(List<String> inputs, String outputDir) throws IOException {
    boolean remoteOutput = Storage.isRemote(outputDir);
    Path output = remoteOutput ? null : Path.of(outputDir).toAbsolutePath().normalize();
    String outputPrefix = outputDir.endsWith("/") ? outputDir : outputDir + "/";
    Map<String, Listed> files = new LinkedHashMap<>();
    for (String input : withManifests(inputs)) {
      if (Storage.isRemote(input)) {
        Storage storage = Storage.forLocation(input);
        if (storage.isDirectory(input)) {
          String prefix = input.endsWith("/") ? input : input + "/";
          for (Storage.FileInfo f : storage.list(input, true)) {
            if (looksLikeVideo(f.location()) && !f.location().startsWith(outputPrefix)
                && f.location().startsWith(prefix)) {
              files.putIfAbsent(f.location(), new Listed(f.location(), f.location().substring(prefix.length())));
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
          for (Path p : walk.filter(Files::isRegularFile).filter(f -> looksLikeVideo(f.getFileName().toString()))
              .filter(f -> output == null || !f.toAbsolutePath().normalize().startsWith(output)).sorted().toList()) {
            String relative = path.relativize(p).toString().replace(java.io.File.separatorChar, '/');
            files.putIfAbsent(p.toString(), new Listed(p.toString(), relative));
          }
        }
      } else {
        // a missing or bad file becomes an error row with its reason, not a crash here
        files.putIfAbsent(input, new Listed(input, path.getFileName() == null ? input : path.getFileName().toString()));
      }
    }
    return List.copyOf(files.values());
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
          all.add(Storage.isRemote(l) ? l : base.resolve(LocalPaths.of(l)).toString());
        }
      }
    }
    return all;
  }

  private static boolean looksLikeVideo(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
