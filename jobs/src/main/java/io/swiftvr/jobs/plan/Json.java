package io.swiftvr.jobs.plan;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The JSON of the job's own files (plan, outcome rows, markers, summary): one Gson set-up for all of them. */
public final class Json {
  public static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private Json() {}
}
