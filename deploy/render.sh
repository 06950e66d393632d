#!/usr/bin/env bash
# Regenerates what deploy/ derives from other sources, with real Helm (helm-java) and fabric8's CRD generator:
#   deploy/helm/headroom/files/crds/headroompolicies.headroom.dev-v1.yml   from the HeadroomPolicy model classes
#   deploy/kubernetes/*.yaml                                           the chart rendered with its default values
#   deploy/helm/headroom/files/                                      dashboards/grafana/*.json, dashboards/prometheus/headroom-alerts.yml
# The same tests, run without -Dheadroom.deploy.write, fail when any of these is out of step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -pl agent -am test -Dheadroom.deploy.write=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='dev.headroom.agent.deploy.CrdInStepTest,dev.headroom.agent.deploy.ChartFilesInStepTest,dev.headroom.agent.deploy.PlainManifestsTest'
git status --short deploy/
