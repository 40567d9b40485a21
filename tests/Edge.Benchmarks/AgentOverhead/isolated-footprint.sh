#!/usr/bin/env bash
# CPU and RSS of edge-agent builds running with the agent's BUILT-IN DEFAULTS, each in its own network and mount
# namespace: loopback only, its own mosquitto on 127.0.0.1:1883 (the default broker URL), a tmpfs over
# /var/lib/edge-agent (the default spool and state directories), so nothing outside the namespace is touched.
# Built-in defaults are what a Native AOT or trimmed build of the agent is limited to today: the configuration
# binding source generator does not set init-only properties (dotnet/runtime#107856), so such a build ignores
# every setting. Needs root, iproute2 and mosquitto.
#
#   tests/Edge.Benchmarks/AgentOverhead/isolated-footprint.sh SECONDS WARMUP NAME=DIR [NAME=DIR ...]
#
# DIR holds an edge-agent executable (build output, `dotnet publish` output, Native AOT output).
set -euo pipefail
secs=${1:?seconds}; warm=${2:?warm-up seconds}; shift 2
[[ -d /var/lib/edge-agent ]] || mkdir -p /var/lib/edge-agent
declare -A pids
for spec in "$@"; do
  name=${spec%%=*}; dir=${spec#*=}
  unshare -n -m --propagation private bash -c '
    ip link set lo up
    mount -t tmpfs tmpfs /var/lib/edge-agent
    mosquitto -p 1883 >/dev/null 2>&1 &
    sleep 0.5
    exec "$0/edge-agent"' "$dir" > "/tmp/edge-footprint-$name.log" 2>&1 &
  pids[$name]=$!
done
cpu() { awk '{ split(substr($0, index($0, ")") + 2), f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
sleep "$warm"
declare -A before
for name in "${!pids[@]}"; do before[$name]=$(cpu "${pids[$name]}"); done
start=$(date +%s.%N); sleep "$secs"; end=$(date +%s.%N)
printf '%-24s %18s %8s %13s  %s\n' build "CPU % of one core" "RSS MiB" "peak RSS MiB" "anon / file / shmem MiB"
for name in "${!pids[@]}"; do
  p=${pids[$name]}
  awk -v n="$name" -v c0="${before[$name]}" -v c1="$(cpu "$p")" -v t0="$start" -v t1="$end" \
      -v rss="$(kib "$p" VmRSS)" -v hwm="$(kib "$p" VmHWM)" -v a="$(kib "$p" RssAnon)" -v f="$(kib "$p" RssFile)" -v s="$(kib "$p" RssShmem)" \
      'BEGIN { printf "%-24s %18.2f %8.1f %13.1f  %.1f / %.1f / %.1f\n", n, (c1 - c0) / (t1 - t0), rss / 1024, hwm / 1024, a / 1024, f / 1024, s / 1024 }'
done
for name in "${!pids[@]}"; do
  p=${pids[$name]}
  broker=$(pgrep -P "$p" mosquitto || true)
  kill "$p"; wait "$p" 2>/dev/null || true
  [[ -n $broker ]] && kill "$broker" 2>/dev/null || true
  connected=$(grep -c "Connected to MQTT broker\|Connected to mqtt" "/tmp/edge-footprint-$name.log" || true)
  echo "$name: log /tmp/edge-footprint-$name.log ($connected connect lines, $(grep -c 'fail\|rror' "/tmp/edge-footprint-$name.log" || true) lines mentioning errors)"
done
