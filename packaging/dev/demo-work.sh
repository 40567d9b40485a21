#!/usr/bin/env bash
# Real work for the demo (called by demo.sh once the agent is online): submits the sample workflow
# (sample-workflow.md: the shape of a WfCommons BLAST run, reproduced by edge-workload) twice and follows each run.
# The first run starts from what the forecaster knows (little: similar components, or its fallback), learns from
# OOM kills and finished steps; the second is placed from the first one's actuals. Each run ends with what its steps
# reserved against what they used.
#
# Environment: EDGE_URL (the controller's API), EDGE_TOKEN_FILE (a submitter or admin token; demo.sh passes the
# controller's admin.token), EDGE_DEMO_EDGECTL (edgectl binary), EDGE_DEMO_RUNS (2).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
edgectl="${EDGE_DEMO_EDGECTL:-$root/controller/Edge.Ctl/bin/Release/net10.0/edgectl}"
workload="$root/agent/Edge.Workload/bin/Release/net10.0/edge-workload"
url="${EDGE_URL:-http://127.0.0.1:8080}"
runs="${EDGE_DEMO_RUNS:-2}"

[[ -x "$workload" ]] || dotnet build "$root/agent/Edge.Workload" -c Release -nologo -clp:ErrorsOnly -v:q
for i in $(seq 1 "$runs"); do
  echo "demo: workflow run $i of $runs (sample-workflow.json)" >&2
  "$edgectl" submit "$root/packaging/dev/sample-workflow.json" --url "$url" --set "WORKLOAD=$workload" --wait --timeout 600
done
