#!/usr/bin/env bash
# Installs Edge on this host from the source tree: publishes the services to /opt/edge, installs the systemd
# units and default configuration (existing files in /etc/edge are kept), and reloads systemd. It does not start
# anything: `systemctl enable --now edge-controller` on the controller host, `edge-agent` on every node.
#
#   sudo packaging/install.sh [--agent] [--controller] [--prefix /opt/edge]
#
# With neither --agent nor --controller, both are installed (the one-machine setup).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix=/opt/edge
agent=0
controller=0
while (($#)); do
  case "$1" in
    --agent) agent=1 ;;
    --controller) controller=1 ;;
    --prefix) prefix="$2"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((agent || controller)) || { agent=1; controller=1; }
[[ $(id -u) -eq 0 ]] || { echo "install: run as root (it writes $prefix, /etc/edge and /etc/systemd/system)" >&2; exit 1; }

bash "$root/packaging/dev/setup.sh"
publish() { # project, destination, [msbuild properties...]
  echo "install: publishing $1 to $2" >&2
  local project="$1" dest="$2"; shift 2
  dotnet publish "$root/$project" -c Release -o "$dest" -nologo -clp:ErrorsOnly "$@"
}

install -d -m 0755 "$prefix" /etc/edge
install -m 0644 "$root/README.md" "$prefix/README.md"
if ((agent)); then
  # Native AOT, as in the package (packaging/deb/build.sh): the agent runs without the .NET runtime.
  publish agent/Edge.Agent "$prefix/agent" -p:PublishAot=true
  rm -f "$prefix/agent/"*.dll
  publish agent/Edge.Workload "$prefix/bin"
  [[ -e /etc/edge/agent.json ]] || install -m 0600 "$root/packaging/config/agent.json" /etc/edge/agent.json
  install -m 0644 "$root/packaging/systemd/edge-agent.service" /etc/systemd/system/edge-agent.service
fi
if ((controller)); then
  publish controller/Edge.Controller "$prefix/controller"
  publish controller/Edge.Ctl "$prefix/edgectl"
  ln -sf "$prefix/edgectl/edgectl" /usr/local/bin/edgectl
  [[ -e /etc/edge/controller.json ]] || install -m 0600 "$root/packaging/config/controller.json" /etc/edge/controller.json
  install -m 0644 "$root/packaging/systemd/edge-controller.service" /etc/systemd/system/edge-controller.service
fi

if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  echo "install: done; start with: systemctl enable --now edge-controller edge-agent" >&2
  echo "install: the controller's first start writes its broker CA to /var/lib/edge-controller/tls/ca.crt;" >&2
  echo "install: copy it to /etc/edge/ca.crt on every node (agents connect to mqtts://<controller>:8883 and trust only that CA)" >&2
else
  echo "install: done (systemd is not running here, units were installed but not loaded)" >&2
fi
