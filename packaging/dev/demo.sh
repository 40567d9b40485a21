#!/usr/bin/env bash
# Runs Edge on this machine on its embedded defaults: the controller (embedded MQTT broker + FASTER history store)
# and a local agent, then shows live node and instance usage until Ctrl+C.
#
#   sudo packaging/dev/demo.sh
#
# Environment: EDGE_DEMO_DIR (state, default ./.edge), EDGE_DEMO_MQTT_PORT (1883), EDGE_DEMO_HTTP_PORT (8080),
# EDGE_DEMO_SECONDS (stop after this many seconds instead of waiting for Ctrl+C), EDGE_DEMO_NO_BUILD=1 (use the
# Release build as it is), EDGE_DEMO_NO_WORK=1 (skip the sample workflow), EDGE_DEMO_RUNS (2). Logs: $EDGE_DEMO_DIR/controller.log and agent.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

dir="${EDGE_DEMO_DIR:-$root/.edge}"
mqtt_port="${EDGE_DEMO_MQTT_PORT:-1883}"
http_port="${EDGE_DEMO_HTTP_PORT:-8080}"
node="$(hostname -s 2>/dev/null || hostname)"
api="http://127.0.0.1:$http_port"

bash packaging/dev/setup.sh
if [[ "${EDGE_DEMO_NO_BUILD:-}" != 1 ]]; then
  echo "demo: building (Release)..." >&2
  for p in controller/Edge.Controller agent/Edge.Agent agent/Edge.Workload controller/Edge.Ctl; do
    dotnet build "$p" -c Release -nologo -clp:ErrorsOnly -v:q
  done
fi
bin() { echo "$root/$1/bin/Release/net10.0/$2"; }
controller="$(bin controller/Edge.Controller edge-controller)"
agent="$(bin agent/Edge.Agent edge-agent)"
edgectl="$(bin controller/Edge.Ctl edgectl)"
workload="$(bin agent/Edge.Workload edge-workload)"

mkdir -p "$dir"
# Components run as their own unprivileged uids and must reach their directories under the agent's state (0711).
chmod go+x "$dir"
pids=()
cleanup() {
  trap - EXIT INT TERM
  echo "demo: stopping" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

if [[ $(id -u) -ne 0 ]]; then
  echo "demo: not root, so the agent cannot create cgroups: it will fall back to process limits and say so" >&2
fi

echo "demo: starting the controller (broker on :$mqtt_port, API on $api, state in $dir/controller)" >&2
EDGE_Controller__DataDirectory="$dir/controller" \
EDGE_Controller__Broker__Port="$mqtt_port" \
EDGE_Controller__Broker__BindAddress=127.0.0.1 \
EDGE_Controller__Broker__LocalNodes__0="$node" \
EDGE_Controller__Http__Urls__0="$api" \
EDGE_Controller__Workflows__AllowedCommands__0="$workload" \
  "$controller" >"$dir/controller.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 150); do
  curl -fsS "$api/readyz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "demo: the controller exited; see $dir/controller.log:" >&2; tail -20 "$dir/controller.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$api/readyz" >/dev/null || { echo "demo: the controller did not become ready; see $dir/controller.log" >&2; exit 1; }
# The API wants a bearer token: the admin token the controller wrote on first start (mode 0600). edgectl reads
# EDGE_TOKEN_FILE; curl sends it as a header.
token_file="$dir/controller/admin.token"
export EDGE_TOKEN_FILE="$token_file"
auth=(-H "Authorization: Bearer $(cat "$token_file")")

echo "demo: starting the agent for node '$node' (credentials from $dir/controller/credentials.json)" >&2
EDGE_Agent__NodeId="$node" \
EDGE_Agent__Mqtt__BrokerUrl="mqtt://127.0.0.1:$mqtt_port" \
EDGE_Agent__Mqtt__Username="$node" \
EDGE_Agent__Mqtt__PasswordFile="$dir/controller/credentials.json" \
EDGE_Agent__SpoolDirectory="$dir/agent/spool" \
EDGE_Supervisor__StateDirectory="$dir/agent/state" \
EDGE_Supervisor__CgroupParent=edge-demo \
EDGE_Supervisor__AllowedExecutables__0="$workload" \
  "$agent" >"$dir/agent.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 150); do
  curl -fsS "${auth[@]}" "$api/api/nodes" 2>/dev/null | grep -q "\"nodeId\":\"$node\",\"online\":true" && break
  sleep 0.2
done

if [[ "${EDGE_DEMO_NO_WORK:-}" != 1 ]]; then
  # Real work for the node: the sample workflow, twice (see demo-work.sh).
  EDGE_URL="$api" EDGE_DEMO_EDGECTL="$edgectl" bash packaging/dev/demo-work.sh || echo "demo: the sample workflow did not succeed (see above and $dir/controller.log)" >&2
fi

cat >&2 <<INFO
demo: running. Try, in another terminal (as root: the token file is 0600):
  TOKEN=\$(cat $token_file)
  curl -s -H "Authorization: Bearer \$TOKEN" $api/api/nodes
  curl -s -H "Authorization: Bearer \$TOKEN" "$api/api/nodes/$node/metrics?scope=node&metric=cpu.usage.cores"
  $edgectl top --url $api --token-file $token_file
INFO

if [[ -n "${EDGE_DEMO_SECONDS:-}" ]]; then
  count=$(( (EDGE_DEMO_SECONDS + 1) / 2 ))
  "$edgectl" top --url "$api" --interval 2 --count "$((count > 0 ? count : 1))" --plain
else
  "$edgectl" top --url "$api" --interval 2
fi
