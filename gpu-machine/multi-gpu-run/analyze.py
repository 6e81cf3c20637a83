#!/usr/bin/env python3
"""Reads what run-scaling.sh left of each run and writes the scaling results (python3 standard library only).

    analyze.py run RUN_DIR                     RUN_DIR/metrics.json: timings, executors and their GPUs, checks
    analyze.py results RUNS_DIR OUT_DIR [--counts "1 2 4"] [--bundles "small official"]
                                               OUT_DIR/results.md and results.json over every run's metrics

A run folder holds run.json (process wall time), out/report/ (the job's summary.json, shards.csv, throughput.csv),
events/ (Spark's event log), bindings.txt (the executors' "Task binding" log lines), gpu-apps.txt (nvidia-smi's
compute processes every second) and gpu.csv (utilisation every 500 ms; summarised per executor's GPU over the restore
stage).
"""
import csv
import glob
import json
import os
import re
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def events(run_dir):
    files = [f for f in glob.glob(os.path.join(run_dir, "events", "**", "*"), recursive=True) if os.path.isfile(f)
             and not os.path.basename(f).startswith((".", "appstatus")) and not f.endswith(".zstd")]
    out = []
    for f in files:
        with open(f) as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return out


def run_metrics(run_dir):
    run = json.load(open(os.path.join(run_dir, "run.json")))
    report = os.path.join(run_dir, "out", "report")
    summary = json.load(open(os.path.join(report, "summary.json"))) if os.path.exists(
        os.path.join(report, "summary.json")) else {}
    shards = [r for r in read_csv(os.path.join(report, "shards.csv")) if r.get("status") == "restored"]
    throughput = read_csv(os.path.join(report, "throughput.csv"))

    ev = events(run_dir)
    app_start = next((e["Timestamp"] for e in ev if e["Event"] == "SparkListenerApplicationStart"), None)
    app_end = next((e["Timestamp"] for e in ev if e["Event"] == "SparkListenerApplicationEnd"), None)
    executors = {}
    for e in ev:
        if e["Event"] == "SparkListenerExecutorAdded":
            info = e.get("Executor Info", {})
            gpus = info.get("Resources", {}).get("gpu", {}).get("addresses", [])
            executors[e["Executor ID"]] = {"added_ms": e["Timestamp"], "spark_gpus": gpus,
                                           "cores": info.get("Total Cores")}
    # The restore stage's job: the first in group swiftvr-restore (the Parquet report's jobs inherit the group).
    group = sorted((e for e in ev if e["Event"] == "SparkListenerJobStart"
                    and e.get("Properties", {}).get("spark.jobGroup.id") == "swiftvr-restore"), key=lambda e: e["Job ID"])
    restore_jobs = {e["Job ID"]: e for e in group[:1]}
    restore_stages = {s for e in restore_jobs.values() for s in e.get("Stage IDs", [])}
    job_end = next((e["Completion Time"] for e in ev if e["Event"] == "SparkListenerJobEnd"
                    and e["Job ID"] in restore_jobs), None)
    job_start = min((e["Submission Time"] for e in restore_jobs.values()), default=None)
    tasks = [e["Task Info"] for e in ev if e["Event"] == "SparkListenerTaskEnd" and e["Stage ID"] in restore_stages]

    per_exec = defaultdict(lambda: {"tasks": 0, "busy_s": 0.0, "durations": [], "first_launch": None,
                                    "last_finish": None})
    for t in tasks:
        x = per_exec[t["Executor ID"]]
        x["tasks"] += 1
        d = (t["Finish Time"] - t["Launch Time"]) / 1000
        x["busy_s"] += d
        x["durations"].append(d)
        x["first_launch"] = min(x["first_launch"] or t["Launch Time"], t["Launch Time"])
        x["last_finish"] = max(x["last_finish"] or t["Finish Time"], t["Finish Time"])

    shard_by_exec = defaultdict(lambda: defaultdict(float))
    for r in shards:
        s = shard_by_exec[r["executor"]]
        s["shards"] += 1
        for k in ("frames_decoded", "frames_modelled", "frames_emitted"):
            s[k] += int(r[k] or 0)
        for k in ("decode_s", "model_s", "encode_s", "total_s"):
            s[k] += float(r[k] or 0)
        s["device"] = r["device"]

    # "Task binding: shard …, task …, executor 1, host …, pid 123, assigned gpu [0] -> gpu(0), CUDA_VISIBLE_DEVICES=…,
    #  nvidia-smi [0, GPU-…, 00000000:…, NVIDIA H200]" ("Spark gpu [0]" in the runs before the jobs layout of 2026-12-06)
    bindings = defaultdict(set)
    pids = defaultdict(set)
    uuids = defaultdict(set)
    path = os.path.join(run_dir, "bindings.txt")
    for line in open(path) if os.path.exists(path) else []:
        m = re.search(r"executor (\S+), host \S+, pid (\d+), (?:Spark|assigned) gpu \[([^\]]*)\] -> (\S+), "
                      r"CUDA_VISIBLE_DEVICES=(\S+?)(?:, nvidia-smi \[([^\]]*)\])?\s*$", line)
        if not m:
            continue
        ex, pid, addr, dev, visible, smi = m.groups()
        bindings[ex].add(f"spark [{addr}] -> {dev}, CUDA_VISIBLE_DEVICES={visible}")
        pids[ex].add(int(pid))
        if smi:
            uuids[ex].add(smi.split(",")[1].strip())

    # nvidia-smi's own view: which GPU each executor process (by pid) held memory on.
    seen = defaultdict(set)
    path = os.path.join(run_dir, "gpu-apps.txt")
    for line in open(path) if os.path.exists(path) else []:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 2 and parts[0].isdigit():
            seen[int(parts[0])].add(parts[1])

    # nvidia-smi's utilisation samples of each GPU (by UUID) inside the restore stage: is the GPU kept busy?
    util = defaultdict(list)
    path = os.path.join(run_dir, "gpu.csv")
    for line in open(path) if os.path.exists(path) and job_start and job_end else []:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 4 or not parts[3].endswith("%"):
            continue
        try:  # "2026/11/23 07:22:56.136"; the device's clock is UTC, as Spark's epoch milliseconds are
            t = datetime.strptime(parts[0], "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp() * 1000
        except ValueError:
            continue
        if job_start <= t <= job_end:
            util[parts[2]].append(float(parts[3].rstrip("%").strip()))

    ex_rows = []
    for ex in sorted(set(executors) | set(per_exec), key=lambda e: (len(e), e)):
        if ex == "driver":
            continue
        x, s, info = per_exec.get(ex), shard_by_exec.get(ex, {}), executors.get(ex, {})
        durations = x["durations"] if x else []
        smi_uuids = sorted({u for p in pids.get(ex, ()) for u in seen.get(p, ())})
        samples = [u for uuid in uuids.get(ex, ()) for u in util.get(uuid, ())]
        ex_rows.append({
            "executor": ex,
            "spark_gpus": info.get("spark_gpus"),
            "binding": sorted(bindings.get(ex, [])),
            "uuid_logged": sorted(uuids.get(ex, [])),
            "uuid_nvidia_smi_pid": smi_uuids,
            "pids": sorted(pids.get(ex, [])),
            "added_after_app_start_s": round((info["added_ms"] - app_start) / 1000, 2) if info and app_start else None,
            "tasks": x["tasks"] if x else 0,
            "first_task_after_job_start_s": round((x["first_launch"] - job_start) / 1000, 2) if x and job_start else None,
            "idle_after_last_task_s": round((job_end - x["last_finish"]) / 1000, 2) if x and job_end else None,
            "task_busy_s": round(x["busy_s"], 2) if x else 0,
            "first_task_s": round(durations[0], 2) if durations else None,
            "median_task_s": round(statistics.median(durations), 2) if durations else None,
            "shards": int(s.get("shards", 0)),
            "frames_emitted": int(s.get("frames_emitted", 0)),
            "frames_modelled": int(s.get("frames_modelled", 0)),
            "decode_s": round(s.get("decode_s", 0), 2), "model_s": round(s.get("model_s", 0), 2),
            "encode_s": round(s.get("encode_s", 0), 2), "shard_total_s": round(s.get("total_s", 0), 2),
            "fps_busy": round(s["frames_emitted"] / s["total_s"], 2) if s and s.get("total_s") else None,
            "device": s.get("device"),
            "gpu_samples_busy_share": round(sum(u > 0 for u in samples) / len(samples), 3) if samples else None,
            "gpu_util_mean": round(statistics.mean(samples), 1) if samples else None,
        })

    frames = int(summary.get("frames", 0))
    restore_s = (job_end - job_start) / 1000 if job_start and job_end else None
    n = run["n"]
    spark_gpu_sets = [tuple(r["spark_gpus"] or []) for r in ex_rows]
    checks = {
        "executors": len(ex_rows),
        "executors_equal_n": len(ex_rows) == n,
        "one_spark_gpu_each": all(len(g) == 1 for g in spark_gpu_sets),
        "spark_gpus_distinct": len(set(spark_gpu_sets)) == len(spark_gpu_sets),
        "every_executor_ran_tasks": all(r["tasks"] > 0 for r in ex_rows),
        "one_binding_per_executor": all(len(r["binding"]) == 1 for r in ex_rows),
    }
    if any(r["uuid_logged"] for r in ex_rows):
        logged = [tuple(r["uuid_logged"]) for r in ex_rows]
        checks["one_uuid_logged_each"] = all(len(u) == 1 for u in logged)
        checks["uuids_logged_distinct"] = len(set(logged)) == len(logged)
    if any(r["uuid_nvidia_smi_pid"] for r in ex_rows):
        smi = [tuple(r["uuid_nvidia_smi_pid"]) for r in ex_rows]
        checks["nvidia_smi_one_gpu_per_executor_pid"] = all(len(u) == 1 for u in smi)
        checks["nvidia_smi_gpus_distinct"] = len(set(smi)) == len(smi)
        checks["nvidia_smi_matches_logged"] = all(
            tuple(r["uuid_nvidia_smi_pid"]) == tuple(r["uuid_logged"]) for r in ex_rows)
    modelled = sum(r["frames_modelled"] for r in ex_rows)
    emitted = sum(r["frames_emitted"] for r in ex_rows)
    metrics = {
        "bundle": run["bundle"], "n": n, "rc": run["rc"], "device": run.get("device"),
        "executor_cores": run.get("executor_cores"),
        "frames": frames,
        "process_s": run["process_s"],
        "job_wall_s": summary.get("wallSeconds"),
        "restore_stage_s": round(restore_s, 2) if restore_s else None,
        "plan_s": round((job_start - app_start) / 1000, 2) if job_start and app_start else None,
        "merge_report_s": round((app_end - job_end) / 1000, 2) if app_end and job_end else None,
        "fps_process": round(frames / run["process_s"], 3) if frames else None,
        "fps_job": round(frames / summary["wallSeconds"], 3) if frames and summary.get("wallSeconds") else None,
        "fps_restore_stage": round(frames / restore_s, 3) if frames and restore_s else None,
        "warmup_share_of_model_work": round(1 - emitted / modelled, 3) if modelled else None,
        "checks": checks,
        "executors": ex_rows,
        "throughput_csv": throughput,
    }
    with open(os.path.join(run_dir, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(f"{run['bundle']} N={n}: rc {run['rc']}, {frames} frames, process {run['process_s']:.1f}s, job "
          f"{summary.get('wallSeconds', 0):.1f}s, restore stage {restore_s or 0:.1f}s; checks "
          + ", ".join(f"{k}={v}" for k, v in checks.items()))
    return metrics


def fmt(v, digits=2):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def gpu_busy(row):
    share, mean = row.get("gpu_samples_busy_share"), row.get("gpu_util_mean")
    return "–" if share is None else f"{share:.0%}, {mean:.0f}%"


def results(runs_dir, out_dir, counts, bundles):
    all_metrics = {}
    for d in sorted(glob.glob(os.path.join(runs_dir, "*-n*"))):
        if os.path.exists(os.path.join(d, "metrics.json")):
            m = json.load(open(os.path.join(d, "metrics.json")))
            all_metrics[(m["bundle"], m["n"])] = m
            compare = os.path.join(d, "compare.txt")
            text = " ".join(open(compare).read().split()) if os.path.exists(compare) else None
            m["compare_with_n1"] = re.sub(r"^\S+ vs \S+: ", "", text) if text else None  # no file names
    lines = ["# Multi-GPU scaling: results", ""]
    summary = {}
    for b in bundles + sorted({k[0] for k in all_metrics} - set(bundles)):
        rows = [all_metrics[(b, n)] for n in counts if (b, n) in all_metrics]
        if not rows:
            continue
        base = all_metrics.get((b, 1))
        lines += [f"## Bundle `{b}`", "",
                  "| N | executors | rc | frames | process s | job s | restore stage s | FPS (job) | FPS (restore) "
                  "| efficiency (job) | efficiency (restore) | vs N=1 | checks |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for m in rows:
            n = m["n"]
            eff_job = eff_restore = None
            if base and base.get("fps_job") and m.get("fps_job"):
                eff_job = m["fps_job"] / (n * base["fps_job"])
            if base and base.get("fps_restore_stage") and m.get("fps_restore_stage"):
                eff_restore = m["fps_restore_stage"] / (n * base["fps_restore_stage"])
            m["efficiency_job"] = eff_job
            m["efficiency_restore_stage"] = eff_restore
            bad = [k for k, v in m["checks"].items() if v is False]
            lines.append(f"| {n} | {m['checks']['executors']} | {m['rc']} | {m['frames']} | {fmt(m['process_s'], 1)} "
                         f"| {fmt(m['job_wall_s'], 1)} | {fmt(m['restore_stage_s'], 1)} | {fmt(m['fps_job'])} "
                         f"| {fmt(m['fps_restore_stage'])} | {fmt(eff_job, 3)} | {fmt(eff_restore, 3)} "
                         f"| {m.get('compare_with_n1') or ('(reference)' if n == 1 else '–')} "
                         f"| {'all ok' if not bad else 'FAILED: ' + ', '.join(bad)} |")
        lines.append("")
        for m in rows:
            lines += [f"### `{b}`, N={m['n']}: executors (plan {fmt(m['plan_s'], 1)} s, merge + report "
                      f"{fmt(m['merge_report_s'], 1)} s, warm-up share of model work "
                      f"{fmt(m['warmup_share_of_model_work'], 3)})", "",
                      "| executor | Spark GPU | logged GPU (nvidia-smi uuid) | nvidia-smi: GPUs of its pid | tasks "
                      "| started after app s | 1st task after job start s | 1st task s | median task s | busy s "
                      "| idle at end s | decode / model / encode s | frames | FPS busy | its GPU in the stage: "
                      "samples > 0%, mean util |",
                      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
            for r in m["executors"]:
                lines.append(
                    f"| {r['executor']} | {','.join(r['spark_gpus'] or []) or '–'} | {', '.join(r['uuid_logged']) or '–'} "
                    f"| {', '.join(r['uuid_nvidia_smi_pid']) or '–'} | {r['tasks']} | {fmt(r['added_after_app_start_s'], 1)} "
                    f"| {fmt(r['first_task_after_job_start_s'], 1)} | {fmt(r['first_task_s'], 1)} "
                    f"| {fmt(r['median_task_s'], 1)} | {fmt(r['task_busy_s'], 1)} | {fmt(r['idle_after_last_task_s'], 1)} "
                    f"| {fmt(r['decode_s'], 1)} / {fmt(r['model_s'], 1)} / {fmt(r['encode_s'], 1)} "
                    f"| {r['frames_emitted']} | {fmt(r['fps_busy'])} | {gpu_busy(r)} |")
            if m["throughput_csv"]:
                lines += ["", "The job's report/throughput.csv (per device type):", "", "```"]
                keys = list(m["throughput_csv"][0].keys())
                lines.append(",".join(keys))
                lines += [",".join(str(t[k]) for k in keys) for t in m["throughput_csv"]]
                lines.append("```")
            lines.append("")
        summary[b] = {str(m["n"]): {k: m.get(k) for k in ("rc", "frames", "process_s", "job_wall_s",
                                                          "restore_stage_s", "fps_job", "fps_restore_stage",
                                                          "efficiency_job", "efficiency_restore_stage",
                                                          "compare_with_n1", "checks")} for m in rows}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"summary": summary, "runs": {f"{b}-n{n}": m for (b, n), m in all_metrics.items()}}, f, indent=1)
    print("\n".join(lines))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run_metrics(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "results":
        args = sys.argv[4:]
        counts = [1, 2]
        bundles = ["small", "official"]
        for i in range(0, len(args) - 1, 2):
            if args[i] == "--counts":
                counts = [int(c) for c in args[i + 1].split()]
            elif args[i] == "--bundles":
                bundles = args[i + 1].split()
        results(sys.argv[2], sys.argv[3], counts, bundles)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
