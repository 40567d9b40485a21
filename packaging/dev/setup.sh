#!/usr/bin/env bash
# Installs what building, testing and the demo need on a fresh Debian/Ubuntu machine that has the .NET SDK.
# Idempotent: packages already present are not installed again. Needs root for apt.
set -euo pipefail

# util-linux: setpriv, which drops an instance's privileges; systemd: systemd-analyze, which the unit tests use to
# gate the units' security exposure. prometheus: promtool, which checks both /metrics endpoints in the tests;
# prometheus-node-exporter: the baseline the agent-overhead benchmark measures the agent against; chromium: the
# dashboard's browser tests (Playwright drives the system browser).
# etcd-server, etcd-client: the leader-election tests start their own 3-member etcd clusters on loopback ports.
packages=(mosquitto mosquitto-clients patchelf gcc libc6-dev iproute2 procps curl util-linux systemd etcd-server etcd-client
  prometheus prometheus-node-exporter chromium)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # mosquitto is installed for the external-broker tests; the tests start their own instances.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: ok (dotnet $(dotnet --version))" >&2
