package io.swiftvr.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** JSON files of the job: per-segment outcome records (the resume markers) and plans. Written atomically. */
final class ReportFiles {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private ReportFiles() {}

  static ShardOutcome readOutcome(Path file) throws IOException {
    return GSON.fromJson(Files.readString(file), ShardOutcome.class);
  }

  static void writeOutcome(Path file, ShardOutcome outcome) throws IOException {
    writeAtomically(file, GSON.toJson(outcome));
  }

  static void writeAtomically(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.writeString(temp, text);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
