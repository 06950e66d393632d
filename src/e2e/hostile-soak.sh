#!/usr/bin/env bash
# A hostile-engine soak: a real sidecar (the built jar, the launcher's production JVM flags) scrapes a loopback
# engine (src/e2e/hostile_engine.py) that cycles through hostile cases. After each case the engine serves good
# data again with a new queue value, and the script checks that the sidecar is live, that its signals show the
# new value (fresh, engine up) within 3 s, and that its RSS stayed under the budget during the case.
#   src/e2e/hostile-soak.sh [case_s=8] [rss_budget_mib=192] [cycles=1]
# Needs a built agent (./mvnw -o -B -ntp -q package -DskipTests); starts nothing it does not stop.
# Prints one line per case and a summary; exits 1 when any case failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
case_s="${1:-8}"
budget_mib="${2:-192}"
cycles="${3:-1}"
recover_s=3
engine_port=18100
sidecar_port=18580
jar=agent/target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "no $jar: build first (./mvnw -o -B -ntp -q package -DskipTests)" >&2; exit 2; }
cases=(huge gzipbomb names longline negative nan counterdrop dialect slow hang reset)

# The launcher's production flags for the sidecar, read from ./headroom itself.
sub=sidecar
eval "$(sed -n '/^  sidecar|controller)/,/;;/p' headroom | sed '1d; s/;;//')"
export MALLOC_ARENA_MAX=2

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

python3 src/e2e/hostile_engine.py "$engine_port" \
  collectors/src/test/resources/fixtures/engines/sglang-v0.4-docs-production_metrics-00b08c4.prom \
  >/tmp/headroom-soak-engine.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs -m 1 "http://127.0.0.1:$engine_port/_case?name=good&queue=5" >/dev/null && break; sleep 0.2; done

starts=0
# Starts the sidecar (again, as the kubelet would after a crash); sets $pid.
start_sidecar() {
  starts=$((starts + 1))
  java "${jvm[@]}" -Dquarkus.http.port="$sidecar_port" -jar "$jar" sidecar \
    --engine-url "http://127.0.0.1:$engine_port/metrics" >"/tmp/headroom-soak-sidecar-$starts.log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 1 120); do curl -fs -m 1 "http://127.0.0.1:$sidecar_port/q/health/live" >/dev/null && break; sleep 0.5; done
}
start_sidecar
echo "sidecar pid $pid, flags: ${jvm[*]}"

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
# queue value, up, stale from /v1/signals (empty when the sidecar does not answer)
signals() {
  curl -fs -m 1 "http://127.0.0.1:$sidecar_port/v1/signals" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["signals"].get("queue"), d["engine"]["up"], d["stale"])' 2>/dev/null
}
live() { curl -fs -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$sidecar_port/q/health/live" 2>/dev/null || echo 000; }

# Waits until the sidecar reports queue=$1, fresh, engine up; prints the seconds it took, or "never" after 20 s.
await_value() {
  local want="$1" t0 t
  t0=$(now)
  while :; do
    read -r q up stale <<<"$(signals)"
    if [ "${q:-}" = "$want.0" ] && [ "${up:-}" = "True" ] && [ "${stale:-}" = "False" ]; then
      awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; return
    fi
    t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print (b - a > 20)}')
    [ "$t" = 1 ] && { echo never; return; }
    sleep 0.1
  done
}

queue=5
echo "baseline: good data recovered in $(await_value $queue) s, RSS $(rss_mib) MiB"
failures=0; results=()
for cycle in $(seq 1 "$cycles"); do
  for c in "${cases[@]}"; do
    curl -fs -m 2 "http://127.0.0.1:$engine_port/_case?name=$c" >/dev/null
    max=0
    end=$(( $(date +%s) + case_s ))
    while [ "$(date +%s)" -lt "$end" ]; do
      r=$(rss_mib); max=$(awk -v a="$max" -v b="$r" 'BEGIN {print (b > a) ? b : a}')
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    during=$(live)
    queue=$((queue + 1))
    curl -fs -m 2 "http://127.0.0.1:$engine_port/_case?name=good&queue=$queue" >/dev/null
    took=$(kill -0 "$pid" 2>/dev/null && await_value "$queue" || echo dead)
    after=$(live)
    r=$(rss_mib); max=$(awk -v a="$max" -v b="$r" 'BEGIN {print (b > a) ? b : a}')
    verdict=PASS; why=""
    if ! kill -0 "$pid" 2>/dev/null; then verdict=FAIL; why="process gone"
    elif [ "$after" != 200 ]; then verdict=FAIL; why="liveness $after after the case"
    elif [ "$took" = never ] || awk -v t="$took" -v l="$recover_s" 'BEGIN {exit !(t > l)}'; then verdict=FAIL; why="signals recovered in $took s (> ${recover_s} s)"
    elif awk -v m="$max" -v b="$budget_mib" 'BEGIN {exit !(m > b)}'; then verdict=FAIL; why="RSS $max MiB over ${budget_mib} MiB"
    fi
    [ "$verdict" = FAIL ] && failures=$((failures + 1))
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null; status=$?
      why="$why (exit $status: $(grep -v '^\s*at ' "/tmp/headroom-soak-sidecar-$starts.log" | tail -1 | cut -c1-80)); restarted"
    fi
    line=$(printf '%-12s %s  live during/after %s/%s  recovered in %s s  max RSS %s MiB  %s' "$c" "$verdict" "$during" "$after" "$took" "$max" "$why")
    echo "$line"; results+=("$line")
    if ! kill -0 "$pid" 2>/dev/null; then
      start_sidecar
      echo "             (sidecar restarted as pid $pid; good data in $(await_value "$queue") s)"
    fi
  done
done

health=$(curl -fs -m 2 "http://127.0.0.1:$sidecar_port/q/health/live" 2>/dev/null | tr -d '\n ' | head -c 300)
echo "liveness body: ${health:-none}"
# SIGTERM: the process must end within the grace period (30 s; the shutdown deadline is 20 s).
if kill -0 "$pid" 2>/dev/null; then
  t0=$(now); kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "SIGTERM: still running after 30 s"; failures=$((failures + 1))
  else echo "SIGTERM: exited in $(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}') s"; fi
fi
echo "summary: $(( ${#results[@]} - failures )) of ${#results[@]} cases passed, $((starts - 1)) restarts (case ${case_s} s, RSS budget ${budget_mib} MiB, recovery limit ${recover_s} s)"
[ "$failures" -eq 0 ]
