package io.swiftvr.jobs.cli;

import io.swiftvr.jobs.storage.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of the report: prices, and other runs' throughput rows to join this run's table. */
final class ReportOptions {
  @Option(names = "--prices", paramLabel = "FILE",
      description = "CSV 'device,usd_per_hour' (device matched by name, e.g. H100) for cost per hour of video")
  String prices;

  @Option(names = "--add-throughput", paramLabel = "FILE",
      description = "rows of another run's report/throughput.csv or of a RestoreBenchmark table join this report's "
          + "throughput table and chart (repeatable)")
  List<String> addThroughput = new ArrayList<>();

  Path pricesFile() {
    return prices == null ? null : Location.parse(prices).localPath();
  }

  List<Path> addedTables() {
    return addThroughput.stream().map(f -> Location.parse(f).localPath()).toList();
  }
}
