#!/usr/bin/env python3
"""What a run with the RAPIDS Accelerator (run-scaling.sh's run-B-N-rapids-S steps) shows (standard library only).

    analyze-rapids.py run RUN_DIR            RUN_DIR/rapids.json and RUN_DIR/sql-plans.txt
    analyze-rapids.py results RUNS_DIR OUT   OUT/rapids.md and OUT/rapids.json over every RAPIDS run

Per run: the setting (rapids-setting.conf), FPS and stage times (analyze.py's metrics.json), GPU memory from the
nvidia-smi samples (gpu.csv: the card's memory.used every 500 ms; gpu-apps.txt: each process's used_memory every
second) as the peak over the whole run, its value just before the restore job starts (executor up, RAPIDS pool and
model loaded) and the peak inside the restore stage and after it (merge and the Parquet report), the physical plan of
every SQL query from Spark's event log (SparkListenerSQLExecutionStart and the adaptive updates) with its Gpu*
operators, the driver's RAPIDS explain lines, and the plugin's own lines and every error from the executor's log.
"""
import glob
import json
import os
import re
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "multi-gpu-run"))
from analyze import events  # noqa: E402  (the same event-log reader)


def smi_time(text):
    return datetime.strptime(text.strip(), "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp() * 1000


def mib(text):
    m = re.match(r"\s*(\d+)\s*MiB", text)
    return int(m.group(1)) if m else None


def card_samples(run_dir):
    """[(epoch ms, MiB used on the card)] from gpu.csv."""
    out = []
    path = os.path.join(run_dir, "gpu.csv")
    for line in open(path) if os.path.exists(path) else []:
        parts = line.split(",")
        if len(parts) >= 5:
            try:
                out.append((smi_time(parts[0]), mib(parts[4])))
            except ValueError:
                pass
    return [(t, m) for t, m in out if m is not None]


def process_peaks(run_dir):
    """{pid: peak MiB} from gpu-apps.txt."""
    peaks = {}
    path = os.path.join(run_dir, "gpu-apps.txt")
    for line in open(path) if os.path.exists(path) else []:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 3 and parts[0].isdigit() and mib(parts[2]) is not None:
            peaks[int(parts[0])] = max(peaks.get(int(parts[0]), 0), mib(parts[2]))
    return peaks


def plan_nodes(info):
    """Every nodeName of a sparkPlanInfo tree."""
    names = [info.get("nodeName", "")]
    for child in info.get("children", []):
        names += plan_nodes(child)
    return names


def run(run_dir):
    ev = events(run_dir)
    metrics_path = os.path.join(run_dir, "metrics.json")
    metrics = json.load(open(metrics_path)) if os.path.exists(metrics_path) else {}
    setting_path = os.path.join(run_dir, "rapids-setting.conf")
    setting = {}
    for line in open(setting_path) if os.path.exists(setting_path) else []:
        parts = line.split(None, 1)
        if parts and not parts[0].startswith("#"):
            setting[parts[0]] = parts[1].strip() if len(parts) > 1 else ""

    # Phases from the event log: application, restore job (group swiftvr-restore, its first job), the rest.
    app_start = next((e["Timestamp"] for e in ev if e["Event"] == "SparkListenerApplicationStart"), None)
    app_end = next((e["Timestamp"] for e in ev if e["Event"] == "SparkListenerApplicationEnd"), None)
    restore = sorted((e for e in ev if e["Event"] == "SparkListenerJobStart"
                      and e.get("Properties", {}).get("spark.jobGroup.id") == "swiftvr-restore"), key=lambda e: e["Job ID"])
    job_start = restore[0]["Submission Time"] if restore else None
    job_end = next((e["Completion Time"] for e in ev if e["Event"] == "SparkListenerJobEnd" and restore
                    and e["Job ID"] == restore[0]["Job ID"]), None)
    samples = card_samples(run_dir)

    def peak(lo=None, hi=None):
        vals = [m for t, m in samples if (lo is None or t >= lo) and (hi is None or t <= hi)]
        return max(vals) if vals else None

    before = [m for t, m in samples if job_start and t < job_start]
    memory = {
        "card_peak_mib": peak(),
        "card_at_restore_start_mib": before[-1] if before else None,
        "card_peak_restore_stage_mib": peak(job_start, job_end) if job_start and job_end else None,
        "card_peak_after_restore_mib": peak(job_end, None) if job_end else None,
        "card_idle_mib": min((m for _, m in samples), default=None),
        "process_peaks_mib": process_peaks(run_dir),
    }

    # SQL queries: the plan at start and after each adaptive update; the Gpu* operators among their nodes.
    queries = {}
    for e in ev:
        name = e["Event"].rsplit(".", 1)[-1]
        if name in ("SparkListenerSQLExecutionStart", "SparkListenerSQLAdaptiveExecutionUpdate"):
            q = queries.setdefault(e["executionId"], {"description": None, "nodes": [], "plans": []})
            if name == "SparkListenerSQLExecutionStart":
                q["description"] = e.get("description")
            q["nodes"] += plan_nodes(e.get("sparkPlanInfo", {}))
            q["plans"].append(e.get("physicalPlanDescription", ""))
    sql = []
    with open(os.path.join(run_dir, "sql-plans.txt"), "w") as f:
        for qid in sorted(queries):
            q = queries[qid]
            gpu = sorted({n for n in q["nodes"] if n.startswith("Gpu")})
            cpu = sorted({n for n in q["nodes"] if n and not n.startswith("Gpu")})
            sql.append({"execution": qid, "description": (q["description"] or "")[:200], "gpu_operators": gpu,
                        "other_operators": cpu})
            f.write(f"=== SQL execution {qid}: {q['description']}\nGpu operators: {', '.join(gpu) or 'none'}\n"
                    f"other operators: {', '.join(cpu) or 'none'}\n")
            for i, p in enumerate(q["plans"]):
                f.write(f"--- plan {'at start' if i == 0 else f'adaptive update {i}'}\n{p}\n")

    # The driver's explain lines (spark.rapids.sql.explain=ALL), the executors' RAPIDS lines and every error.
    explain, driver_errors = [], []
    path = os.path.join(run_dir, "logs", "driver.log")
    for line in open(path, errors="replace") if os.path.exists(path) else []:
        if re.match(r"\s*[*!@#]\w* <", line):
            explain.append(line.rstrip())
        elif re.search(r"ERROR|Exception|Error:", line) and not line.lstrip().startswith("at "):
            driver_errors.append(line.rstrip()[:400])
    rapids_lines, executor_errors = [], []
    for f in glob.glob(os.path.join(run_dir, "work", "app-*", "*", "stderr")):
        for line in open(f, errors="replace"):
            if line.lstrip().startswith("at ") or "Spark Executor Command" in line or "Task binding" in line:
                continue
            if re.search(r"RapidsExecutorPlugin|GpuDeviceManager|RMM|Rmm|pool|ShimLoader|RapidsPluginUtils|"
                         r"Preloaded model|Could not preload|CUDA|cudf", line):
                rapids_lines.append(line.rstrip()[:400])
            if re.search(r"ERROR|Exception|OutOfMemory|OOM", line) and "RECEIVED SIGNAL TERM" not in line:
                executor_errors.append(line.rstrip()[:400])
    result = {
        "run": os.path.basename(run_dir.rstrip("/")), "setting": setting,
        "rc": metrics.get("rc"), "frames": metrics.get("frames"), "process_s": metrics.get("process_s"),
        "job_wall_s": metrics.get("job_wall_s"), "restore_stage_s": metrics.get("restore_stage_s"),
        "merge_report_s": metrics.get("merge_report_s"), "fps_job": metrics.get("fps_job"),
        "fps_restore_stage": metrics.get("fps_restore_stage"),
        "model_fps": [t.get("fps") for t in metrics.get("throughput_csv", [])],
        "memory": memory, "sql": sql, "explain_lines": explain[:80],
        "rapids_log_lines": rapids_lines[:60], "driver_errors": driver_errors[:20], "executor_errors": executor_errors[:20],
        "app_s": round((app_end - app_start) / 1000, 1) if app_start and app_end else None,
    }
    with open(os.path.join(run_dir, "rapids.json"), "w") as f:
        json.dump(result, f, indent=1)
    gpu_ops = sorted({o for q in sql for o in q["gpu_operators"]})
    print(f"{result['run']}: rc {result['rc']}, {result['frames']} frames, FPS restore {result['fps_restore_stage']}, "
          f"card peak {memory['card_peak_mib']} MiB (at restore start {memory['card_at_restore_start_mib']}), "
          f"{len(sql)} SQL queries, Gpu operators: {', '.join(gpu_ops) or 'none'}; "
          f"{len(driver_errors)} driver / {len(executor_errors)} executor error lines")
    return result


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def results(runs_dir, out_dir):
    rows = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(runs_dir, "*", "rapids.json")))]
    lines = ["# RAPIDS Accelerator next to the model: results", "",
             "| run | spark.plugins has SQLPlugin | pool | allocFraction / min / max | rc | frames | restore stage s "
             "| FPS (restore stage) | FPS (job) | model FPS (throughput.csv) | card MiB at restore start "
             "| card peak MiB (restore stage) | card peak MiB (after: merge, report) | executor peak MiB "
             "| Gpu operators (SQL) | errors (driver / executor lines) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        s, m = r["setting"], r["memory"]
        on = s.get("spark.plugins") != "unset"
        fr = " / ".join(s.get(k, "default") for k in ("spark.rapids.memory.gpu.allocFraction",
                                                      "spark.rapids.memory.gpu.minAllocFraction",
                                                      "spark.rapids.memory.gpu.maxAllocFraction"))
        gpu_ops = sorted({o for q in r["sql"] for o in q["gpu_operators"]})
        peaks = m["process_peaks_mib"]
        lines.append(
            f"| {r['run']} | {'yes' if on else 'no'} | {s.get('spark.rapids.memory.gpu.pool', 'default') if on else '–'} "
            f"| {fr if on else '–'} | {r['rc']} | {r['frames']} | {fmt(r['restore_stage_s'])} "
            f"| {fmt(r['fps_restore_stage'], 2)} | {fmt(r['fps_job'], 2)} | {', '.join(map(str, r['model_fps'])) or '–'} "
            f"| {fmt(m['card_at_restore_start_mib'])} | {fmt(m['card_peak_restore_stage_mib'])} "
            f"| {fmt(m['card_peak_after_restore_mib'])} | {max(peaks.values()) if peaks else '–'} "
            f"| {', '.join(gpu_ops) or 'none'} | {len(r['driver_errors'])} / {len(r['executor_errors'])} |")
    for r in rows:
        lines += ["", f"## {r['run']}", "", "SQL queries (event log):", ""]
        lines += [f"- {q['execution']}: Gpu: {', '.join(q['gpu_operators']) or 'none'}; other: "
                  f"{', '.join(q['other_operators']) or 'none'}" for q in r["sql"]] or ["- none"]
        for title, key in (("The plugin in the executor's log", "rapids_log_lines"),
                           ("Errors (driver)", "driver_errors"), ("Errors (executor)", "executor_errors"),
                           ("RAPIDS explain (driver)", "explain_lines")):
            if r[key]:
                lines += ["", f"{title}:", "", "```"] + r[key][:30] + ["```"]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "rapids.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out_dir, "rapids.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print("\n".join(lines[:4 + len(rows)]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "results":
        results(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
