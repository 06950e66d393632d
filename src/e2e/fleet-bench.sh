#!/usr/bin/env bash
# One controller following a fleet of N engine pods; prints one row of figures.
#   src/e2e/fleet-bench.sh N sidecar|engine [measure_s=60] [warmup_s=20]
# Two JVMs on loopback: the fleet (fabric8's Kubernetes server in CRUD mode with N ready pods, 20 per
# HeadroomPolicy, and the pods' endpoints, one HTTP server per 50 pods) and the production controller
# (ControllerRun, dry-run) with the launcher's controller flags, measured over measure_s after warmup_s.
# Stops everything it started when done.
set -euo pipefail
cd "$(dirname "$0")/../.."
pods="${1:?usage: fleet-bench.sh N sidecar|engine [measure_s] [warmup_s]}"
source="${2:?usage: fleet-bench.sh N sidecar|engine [measure_s] [warmup_s]}"
measure="${3:-60}"
warmup="${4:-20}"
cpfile=agent/target/test.classpath

# Build the test classes and write their classpath when missing or older than any source.
if [ ! -f "$cpfile" ] || { [ -z "${FLEET_BENCH_NO_BUILD:-}" ] && [ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$cpfile" -type f -print -quit)" ]; }; then
  ./mvnw -o -B -ntp -q -pl autoscaler,agent -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
fi
# FLEET_BENCH_CLASSPATH_PREFIX: classes put first (e.g. an earlier version of one class, to compare before/after).
cp="${FLEET_BENCH_CLASSPATH_PREFIX:+$FLEET_BENCH_CLASSPATH_PREFIX:}agent/target/test-classes:agent/target/classes:$(cat "$cpfile")"
main=dev.headroom.agent.controller.fleet.FleetBench
# The launcher's controller flags, as `./headroom controller` runs, then CONTROLLER_JAVA_OPTS_APPEND (a later -Xmx
# or -D wins): e.g. CONTROLLER_JAVA_OPTS_APPEND=-Xmx512m for a fleet the default 48 MiB heap cannot hold.
sub=controller
eval "$(sed -n '/^  sidecar|controller)/,/;;/p' headroom | sed '1d; s/;;//')"
launcher_flags="${jvm[*]}"
controller_flags="$launcher_flags -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${CONTROLLER_JAVA_OPTS_APPEND:-}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

work=$(mktemp -d /tmp/headroom-fleet.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The fleet lives at most as long as the run could take, then exits by itself.
java -XX:+UseSerialGC -Xmx1g -cp "$cp" "$main" serve "$pods" "$source" "$work/ready" $((warmup + measure + 600)) \
  >"$work/fleet.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do [ -f "$work/ready" ] && break; kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
[ -f "$work/ready" ] || { echo "the fleet did not start:" >&2; tail -20 "$work/fleet.log" >&2; exit 1; }
grep -h "fleet of" "$work/fleet.log" >&2 || true

# shellcheck disable=SC2086
if ! java $controller_flags -cp "$cp" "$main" control "$work/ready" "$warmup" "$measure" 2>"$work/controller.log"; then
  echo "the controller failed:" >&2; tail -20 "$work/controller.log" >&2; exit 1
fi
echo "JDK: $(java -version 2>&1 | head -1); controller flags: $controller_flags" >&2
