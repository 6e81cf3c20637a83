# Sourced by the GPU machine's resumable scripts (pipeline-bench.sh, gpu-machine/multi-gpu-run/run-scaling.sh):
# steps that run within a deadline and are skipped in later calls once done. The sourcing script sets deadline
# (seconds), t_start (epoch seconds), state (folder of done markers) and failed (a counter), and may set
# STEP_LOG_DIR to keep each step's output in STEP_LOG_DIR/NAME.log as well.

left() { echo $(( deadline - ($(date +%s) - t_start) )); }

# step NAME ESTIMATE_S COMMAND...: runs COMMAND unless done before or fewer than ESTIMATE_S seconds are left; on
# success the marker $state/done-NAME holds the seconds it took.
step() {
  local name=$1 estimate=$2; shift 2
  if [[ -f "$state/done-$name" ]]; then echo "=== $name: done in an earlier call"; return 0; fi
  local remaining; remaining=$(left)
  if (( remaining < estimate )); then
    echo "=== $name: SKIPPED, ${remaining}s left, needs ~${estimate}s"; failed=$((failed + 1)); return 1
  fi
  echo; echo "=== $(date -u +%H:%M:%S) $name (t=$(( $(date +%s) - t_start ))s, ${remaining}s left)"
  local log=/dev/null s0 rc
  if [[ -n ${STEP_LOG_DIR:-} ]]; then mkdir -p "$STEP_LOG_DIR"; log=$STEP_LOG_DIR/$name.log; fi
  s0=$(date +%s)
  timeout --kill-after=10 "$((remaining - 5))" bash -c '"$@"' _ "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if (( rc == 0 )); then
    echo "$(( $(date +%s) - s0 ))" >"$state/done-$name"; echo "=== $name: ok in $(( $(date +%s) - s0 ))s"
  else
    echo "=== $name: FAILED ($rc) after $(( $(date +%s) - s0 ))s"; failed=$((failed + 1)); return 1
  fi
}
