package io.swiftvr.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;

/** JSON of the job's files: per-segment outcome rows (the resume markers), plans, markers. */
final class ReportFiles {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private ReportFiles() {}

  static ShardOutcome readOutcome(Storage storage, String location) throws IOException {
    return GSON.fromJson(storage.read(location), ShardOutcome.class);
  }

  static void writeOutcome(Storage storage, String location, ShardOutcome outcome) throws IOException {
    storage.write(location, GSON.toJson(outcome));
  }
}
