package io.swiftvr.jobs.report;

import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.udf.ShardResult;
import io.swiftvr.udf.ThroughputRow;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns of the report's tables, declared once: the CSV files ({@link JobReport}) and the Parquet tables
 * ({@code jobs.spark.ParquetReport}) are both written from these lists, so they cannot drift apart.
 */
public final class ReportTables {
  private ReportTables() {}

  /** The type of a column's values; {@code null} is an empty CSV cell and a Parquet null. */
  public enum Kind { TEXT, INT, LONG, DOUBLE, BOOLEAN }

  /** One column: its name, its type, and its value in a row. */
  public record Column<R>(String name, Kind kind, Function<R, Object> value) {}

  private static <R> Column<R> text(String name, Function<R, Object> value) {
    return new Column<>(name, Kind.TEXT, value);
  }

  private static <R> Column<R> integer(String name, Function<R, Object> value) {
    return new Column<>(name, Kind.INT, value);
  }

  private static <R> Column<R> decimal(String name, Function<R, Object> value) {
    return new Column<>(name, Kind.DOUBLE, value);
  }

  /** A value of a shard's result, null for a shard without one (failed). */
  private static Function<ShardOutcome, Object> result(Function<ShardResult, Object> value) {
    return o -> o.result() == null ? null : value.apply(o.result());
  }

  public static final List<Column<ShardOutcome>> SHARDS = List.of(
      text("video_key", ShardOutcome::videoKey), text("input", ShardOutcome::input),
      integer("shard", ShardOutcome::shardIndex), integer("shards", ShardOutcome::shardCount),
      text("status", ShardOutcome::status), text("error", ShardOutcome::error),
      new Column<>("permanent", Kind.BOOLEAN, ShardOutcome::permanent),
      integer("frames_decoded", result(ShardResult::framesDecoded)),
      integer("frames_modelled", result(ShardResult::framesModelled)),
      integer("frames_emitted", result(ShardResult::framesEmitted)),
      decimal("decode_s", result(ShardResult::decodeSeconds)), decimal("model_s", result(ShardResult::modelSeconds)),
      decimal("encode_s", result(ShardResult::encodeSeconds)), decimal("total_s", result(ShardResult::totalSeconds)),
      text("device", result(ShardResult::device)), text("host", ShardOutcome::host),
      text("executor", ShardOutcome::executor), text("segment", ShardOutcome::segment),
      text("repaired", result(r -> r.repaired().isEmpty() ? null : r.repaired())));

  public static final List<Column<VideoOutcome>> VIDEOS = List.of(
      text("input", VideoOutcome::input), text("output", VideoOutcome::output), text("status", VideoOutcome::status),
      text("error", VideoOutcome::error), integer("frames", VideoOutcome::frames),
      decimal("video_s", VideoOutcome::videoSeconds), integer("in_w", VideoOutcome::inWidth),
      integer("in_h", VideoOutcome::inHeight), integer("out_w", VideoOutcome::outWidth),
      integer("out_h", VideoOutcome::outHeight), integer("in_bits", VideoOutcome::inBits),
      integer("out_bits", VideoOutcome::outBits), text("hdr", VideoOutcome::hdr),
      decimal("decode_s", VideoOutcome::decodeSeconds),
      decimal("model_s", VideoOutcome::modelSeconds), decimal("encode_s", VideoOutcome::encodeSeconds),
      decimal("merge_s", VideoOutcome::mergeSeconds), text("device", VideoOutcome::device),
      text("damage", VideoOutcome::damage), text("repaired", VideoOutcome::repaired));

  /** The Parquet twin of {@link ThroughputRow#csv}: the same columns, in its header's order; no price is null. */
  public static final List<Column<ThroughputRow>> THROUGHPUT = List.of(
      text("device", ThroughputRow::device), integer("shards", ThroughputRow::shards),
      new Column<>("frames", Kind.LONG, ThroughputRow::frames), decimal("video_s", ThroughputRow::videoSeconds),
      decimal("device_s", ThroughputRow::deviceSeconds), decimal("decode_s", ThroughputRow::decodeSeconds),
      decimal("model_s", ThroughputRow::modelSeconds), decimal("encode_s", ThroughputRow::encodeSeconds),
      decimal("fps", ThroughputRow::fps), decimal("device_s_per_video_s", ThroughputRow::deviceSecondsPerVideoSecond),
      decimal("usd_per_device_hour", t -> priced(t.usdPerDeviceHour())),
      decimal("usd_per_video_hour", t -> priced(t.usdPerVideoHour())));

  private static Object priced(double usd) {
    return Double.isNaN(usd) ? null : usd;
  }

  public static <R> String header(List<Column<R>> columns) {
    return columns.stream().map(Column::name).collect(Collectors.joining(","));
  }

  /** The table as CSV: the header, then a line per row; decimals with three places, text quoted where needed. */
  public static <R> String csv(List<Column<R>> columns, List<R> rows) {
    StringBuilder s = new StringBuilder(header(columns)).append('\n');
    for (R row : rows) {
      s.append(columns.stream().map(c -> cell(c.kind(), c.value().apply(row))).collect(Collectors.joining(",")))
          .append('\n');
    }
    return s.toString();
  }

  private static String cell(Kind kind, Object value) {
    if (value == null) {
      return "";
    }
    if (kind == Kind.DOUBLE) {
      return String.format(Locale.ROOT, "%.3f", ((Number) value).doubleValue());
    }
    String text = value.toString();
    if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
