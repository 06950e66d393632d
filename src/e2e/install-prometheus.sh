#!/usr/bin/env bash
# Installs Prometheus and promtool from Debian's "prometheus" package (2.42 on Debian 12). The agent's tests
# use them: promtool lints the sidecar's /q/metrics and runs the alert rules' unit tests, and a real
# Prometheus on loopback scrapes the sidecar for the dashboards' queries (PrometheusLiveTest).
#
#   src/e2e/install-prometheus.sh
#
# Idempotent. Needs root (apt-get). The package's own service is not used: the tests start Prometheus on a
# free loopback port with a temporary storage folder and stop it afterwards.
set -euo pipefail

if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
  echo "prometheus already installed: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# Where the package started its own daemon (a systemd machine), stop it: the tests want no one on :9090.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus || true
fi
prometheus --version 2>&1 | head -1
promtool --version 2>&1 | head -1
