#!/usr/bin/env bash
# The sidecar image's Java runtime, built here without Docker: jlink with the modules and options that
# agent/src/main/docker/Dockerfile.sidecar names, then the packaged agent run on it with the image's JVM flags:
# `sidecar --help` (exits 0, binds nothing), and a real sidecar watching a simulated engine on loopback, whose
# /q/health and /v1/signals must answer. Then, where gcc can build the tests' stand-in NVML (two GPUs), a sidecar
# given the engine's GPU list file must report the GPU as not known until the file is written, then only the listed
# GPU. Prints the runtime's size next to this JDK's.
#
#   ./mvnw -pl signals,collectors,simulator,autoscaler,evaluation,agent -am package -DskipTests   # once
#   src/e2e/slim-runtime.sh [WORK_DIR]
#
# HEADROOM_APP: the quarkus-app folder (agent/target/quarkus-app). HEADROOM_NVML_CACHE: where
# src/e2e/fetch-libnvidia-ml.sh unpacked Debian's libnvidia-ml (~/.cache/headroom/libnvidia-ml1); when it is there
# the sidecar loads it through JNA on this runtime and must report the driver as not loaded, not the library absent.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app="${HEADROOM_APP:-$root/agent/target/quarkus-app}"
dockerfile="$root/agent/src/main/docker/Dockerfile.sidecar"
work="${1:-$(mktemp -d)}"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
nvml_cache="${HEADROOM_NVML_CACHE:-$HOME/.cache/headroom/libnvidia-ml1}"

[ -f "$app/quarkus-run.jar" ] || { echo "slim-runtime: no $app/quarkus-run.jar: package the agent first" >&2; exit 2; }
[ -x "$jdk/bin/jlink" ] || { echo "slim-runtime: no jlink in $jdk" >&2; exit 2; }

# The Dockerfile's own values: ARG NAME=value (quotes dropped), ENV NAME="value".
value() { sed -n "s/^$1 $2=//p" "$dockerfile" | head -1 | sed 's/^"\(.*\)"$/\1/'; }
modules="$(value ARG JRE_MODULES)"
jlink_options="$(value ARG JLINK_OPTIONS)"
jvm_flags="$(value ENV JDK_JAVA_OPTIONS)"
[ -n "$modules" ] && [ -n "$jlink_options" ] && [ -n "$jvm_flags" ] || {
  echo "slim-runtime: JRE_MODULES, JLINK_OPTIONS or JDK_JAVA_OPTIONS not found in $dockerfile" >&2; exit 2; }

jre="$work/jre"
rm -rf "$jre"
# shellcheck disable=SC2086 # the options are words, as in the Dockerfile's RUN
"$jdk/bin/jlink" --add-modules "$modules" $jlink_options --output "$jre" 2>&1 | grep -v "compress" || true
[ -x "$jre/bin/java" ] || { echo "slim-runtime: jlink made no runtime" >&2; exit 1; }
echo "runtime modules: $("$jre/bin/java" --list-modules | sed 's/@.*//' | paste -sd, -)"
echo "runtime size: $(du -sk "$jre" | cut -f1) KiB; this JDK ($jdk): $(du -sk "$jdk" | cut -f1) KiB"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# As the image runs it, with the image's flags (the java launcher reads JDK_JAVA_OPTIONS), on loopback only.
export JDK_JAVA_OPTIONS="$jvm_flags -Dquarkus.http.host=127.0.0.1 -Djava.io.tmpdir=$work -Djna.tmpdir=$work/jna"
export MALLOC_ARENA_MAX=2

"$jre/bin/java" -jar "$app/quarkus-run.jar" sidecar --help > "$work/help.txt" 2>&1 \
  || { cat "$work/help.txt"; echo "slim-runtime: sidecar --help failed" >&2; exit 1; }
grep -q "Usage: headroom sidecar" "$work/help.txt" || { cat "$work/help.txt"; exit 1; }
echo "sidecar --help: ok"

# The engine is a stand-in (it needs jdk.httpserver, which the sidecar's runtime leaves out): this JDK runs it.
engine_port="$(free_port)"
env -u JDK_JAVA_OPTIONS "$jdk/bin/java" -XX:+UseSerialGC -Dquarkus.http.host-enabled=false -Dquarkus.log.level=WARN \
  -jar "$app/quarkus-run.jar" simulate --port="$engine_port" > "$work/engine.log" 2>&1 &
pids+=($!)

# Waits until /v1/signals on port $1 satisfies the Python expression $2 over `s` (the JSON); 60 s at most.
wait_signals() {
  local signals=""
  for _ in $(seq 1 60); do
    signals="$(curl -sf "http://127.0.0.1:$1/v1/signals" || true)"
    if [ -n "$signals" ] && python3 -c 'import json, sys; s = json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$signals" "$2"; then
      return 0
    fi
    sleep 1
  done
  echo "slim-runtime: /v1/signals on port $1 never satisfied: $2; last: ${signals:-none}" >&2
  return 1
}

port="$(free_port)"
nvml=()
expected_gpu=no_library
if [ -f "$nvml_cache/libnvidia-ml.so.1.path" ]; then
  nvml=("-Dheadroom.gpu.nvml-library=$(cat "$nvml_cache/libnvidia-ml.so.1.path")")
  expected_gpu=driver_not_loaded
fi
"$jre/bin/java" -Dquarkus.http.port="$port" "${nvml[@]}" -jar "$app/quarkus-run.jar" sidecar \
  --engine-url="http://127.0.0.1:$engine_port/metrics" > "$work/sidecar.log" 2>&1 &
pids+=($!)
sidecar_pid=$!

wait_signals "$port" "s['engine']['up'] is True and s['gpus']['state'] == '$expected_gpu'" \
  || { tail -20 "$work/sidecar.log" >&2; exit 1; }
health="$(curl -sf "http://127.0.0.1:$port/q/health")"
python3 -c 'import json,sys; h=json.loads(sys.argv[1]); sys.exit(0 if h["status"]=="UP" else 1)' "$health" \
  || { echo "slim-runtime: /q/health: $health" >&2; exit 1; }
echo "sidecar on the slim runtime: /q/health UP; /v1/signals engine up, GPU $expected_gpu"
echo "sidecar resident set: $(awk '/VmRSS/ {print $2, $3}' "/proc/$sidecar_pid/status")"

# The engine's own GPUs on this runtime, through JNA: the tests' stand-in NVML (two GPUs), when gcc can build it.
if command -v gcc > /dev/null; then
  mkdir -p "$work/standin"
  gcc -shared -fPIC -O1 -o "$work/standin/libnvidia-ml.so.1" "$root/collectors/src/test/c/nvml_standin.c"
  gpus_port="$(free_port)"
  HEADROOM_GPU_DEVICES_FILE="$work/gpus" NVIDIA_VISIBLE_DEVICES=all "$jre/bin/java" -Dquarkus.http.port="$gpus_port" \
    -Dheadroom.gpu.nvml-library="$work/standin/libnvidia-ml.so.1" -jar "$app/quarkus-run.jar" sidecar \
    --engine-url="http://127.0.0.1:$engine_port/metrics" > "$work/sidecar-gpus.log" 2>&1 &
  pids+=($!)
  wait_signals "$gpus_port" "s['gpus']['state'] == 'devices_unknown' and s['gpus']['devices'] == []" \
    || { tail -20 "$work/sidecar-gpus.log" >&2; exit 1; }
  engine_gpu=GPU-5a7d0000-0000-4000-8000-000000000001
  echo "$engine_gpu" > "$work/gpus"
  wait_signals "$gpus_port" "s['gpus']['state'] == 'available' and [d['uuid'] for d in s['gpus']['devices']] == ['$engine_gpu']" \
    || { tail -20 "$work/sidecar-gpus.log" >&2; exit 1; }
  echo "engine's GPU list on the slim runtime: not known until written, then only $engine_gpu of the stand-in's 2"
fi
