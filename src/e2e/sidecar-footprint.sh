#!/usr/bin/env bash
# Measures the sidecar's footprint while it scrapes a simulated engine at 1 Hz:
# resident memory (VmRSS) and CPU share of one core, after a warm-up.
#   src/e2e/sidecar-footprint.sh [warmup_s=30] [measure_s=60]
# Starts `headroom simulate` and `headroom sidecar` on loopback, offers the engine a light bounded load,
# and stops everything it started when done.
set -euo pipefail
cd "$(dirname "$0")/../.."
warmup="${1:-30}"
measure="${2:-60}"
engine_port=18000
sidecar_port=18480
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

./headroom simulate --port "$engine_port" >/tmp/headroom-footprint-engine.log 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$engine_port/health" >/dev/null && break; sleep 0.5; done

HEADROOM_JAVA_OPTS="-Dquarkus.http.port=$sidecar_port" \
  ./headroom sidecar --engine-url "http://127.0.0.1:$engine_port/metrics" >/tmp/headroom-footprint-sidecar.log 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$sidecar_port/q/health/live" >/dev/null && break; sleep 0.5; done
# The launcher execs java, so the sidecar's PID is the JVM's.
pid=$(pgrep -f "quarkus-run.jar sidecar" | head -1)

# Light, bounded load: one completion a second for the whole run, so histograms and counters move.
( for _ in $(seq 1 $((warmup + measure))); do
    curl -fs -m 30 -d '{"prompt_tokens":256,"max_tokens":64}' "http://127.0.0.1:$engine_port/v1/completions" >/dev/null &
    sleep 1
  done; wait ) &
pids+=($!)

sleep "$warmup"
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
c0=$(cpu); max_rss=0; sum_rss=0
for _ in $(seq 1 "$measure"); do
  r=$(rss_kb); sum_rss=$((sum_rss + r)); [ "$r" -gt "$max_rss" ] && max_rss=$r
  sleep 1
done
c1=$(cpu)
scrapes=$(curl -fs "http://127.0.0.1:$sidecar_port/q/metrics" | awk '/^headroom_scrapes_total\{outcome="ok"/ {print $2}')
awk -v c0="$c0" -v c1="$c1" -v t="$tick" -v m="$measure" -v max="$max_rss" -v sum="$sum_rss" -v s="$scrapes" 'BEGIN {
  printf "sidecar footprint over %d s after warm-up: RSS max %.1f MiB, mean %.1f MiB; CPU %.2f %% of one core; ok scrapes so far %s\n",
    m, max / 1024, sum / m / 1024, (c1 - c0) / t / m * 100, s }'
