#!/usr/bin/env bash
# Builds the Debian packages edge-agent, edge-controller and edgectl from this checkout: self-contained linux-x64
# binaries (no .NET needed on the host), systemd units, default configuration (conffiles, kept on upgrade) and
# maintainer scripts. Needs the .NET SDK and dpkg-deb; runs as any user (files are owned by root in the package).
#
#   packaging/deb/build.sh [--out DIR] [--version VERSION] [--compress xz|gzip|none] [--only NAME]...
#
# Version: --version, else EDGE_VERSION, else <Version in Directory.Build.props>.<commits on HEAD> (so every commit
# builds a higher version than the one before it). Packages land in --out (default artifacts/deb).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/packaging/deb"
out="$root/artifacts/deb"
version="${EDGE_VERSION:-}"
compress=xz
only=()
while (($#)); do
  case "$1" in
    --out) out="$2"; shift ;;
    --version) version="$2"; shift ;;
    --compress) compress="$2"; shift ;;
    --only) only+=("$2"); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "deb: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$compress" in xz|gzip|none) ;; *) echo "deb: --compress '$compress' is not xz, gzip or none" >&2; exit 2 ;; esac
command -v dpkg-deb >/dev/null || { echo "deb: dpkg-deb not found (apt-get install dpkg-dev or dpkg)" >&2; exit 1; }

if [[ -z "$version" ]]; then
  base="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)"
  count="$(git -C "$root" rev-list --count HEAD 2>/dev/null || echo 0)"
  version="$base.$count"
fi
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "deb: version '$version' is not a Debian version" >&2; exit 2; }

wanted() { ((${#only[@]} == 0)) && return 0; local n; for n in "${only[@]}"; do [[ "$n" == "$1" ]] && return 0; done; return 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# publish PROJECT DEST [extra msbuild properties...]: self-contained for linux-x64, without symbols or XML docs.
# The TorchSharp fix is forced on so that a package built on a newer host still loads on Debian 12. Intermediate
# and output files go to a scratch artifacts folder: the checkout's own bin/ and obj/ (tests, demo) stay as they are.
publish() {
  local project="$1" dest="$2"; shift 2
  echo "deb: publishing $project" >&2
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -o "$dest" --artifacts-path "$work/build" -nologo -clp:ErrorsOnly \
    -p:DebugType=none -p:EdgeTorchSharpNativeFix=always -p:Version="${version%%[~+-]*}" "$@" >&2
  find "$dest" \( -name '*.pdb' -o -name '*.xml' -o -name '*.dbg' \) -delete
}

# package NAME: $work/NAME is the file tree; control fields from $here/NAME/control, scripts from $here/NAME/.
package() {
  local name="$1" tree="$work/$1"
  install -d -m 0755 "$tree/DEBIAN" "$tree/usr/share/doc/$name"
  install -m 0644 "$root/README.md" "$tree/usr/share/doc/$name/README.md"
  install -m 0644 "$here/copyright" "$tree/usr/share/doc/$name/copyright"
  local size
  size="$(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
  sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/$name/control" >"$tree/DEBIAN/control"
  for script in preinst postinst prerm postrm; do
    [[ -f "$here/$name/$script" ]] && install -m 0755 "$here/$name/$script" "$tree/DEBIAN/$script"
  done
  [[ -f "$here/$name/conffiles" ]] && install -m 0644 "$here/$name/conffiles" "$tree/DEBIAN/conffiles"
  local file="$out/${name}_${version}_amd64.deb"
  dpkg-deb --root-owner-group -Z"$compress" --build "$tree" "$file" >&2
  echo "$file"
}

if wanted edge-agent; then
  t="$work/edge-agent"
  # Native AOT: one native executable, no .NET runtime mapped from disk (docs/benchmarks-agent.md). Links with the
  # C compiler found (clang, else gcc from packaging/dev/setup.sh). TraceEvent's Windows-only helper dlls are dropped.
  publish agent/Edge.Agent "$t/opt/edge/agent" -p:PublishAot=true
  # The workload is the default allow-listed program; its output is not the agent's (the agent bundles its dll).
  rm -f "$t/opt/edge/agent/edge-workload"* "$t/opt/edge/agent/"*.dll
  publish agent/Edge.Workload "$t/opt/edge/bin" -p:PublishSingleFile=true
  install -D -m 0644 "$root/packaging/systemd/edge-agent.service" "$t/lib/systemd/system/edge-agent.service"
  install -D -m 0600 "$root/packaging/config/agent.json" "$t/etc/edge/agent.json"
  package edge-agent
fi

if wanted edge-controller; then
  t="$work/edge-controller"
  publish controller/Edge.Controller "$t/opt/edge/controller"
  install -D -m 0644 "$root/packaging/systemd/edge-controller.service" "$t/lib/systemd/system/edge-controller.service"
  install -D -m 0600 "$root/packaging/config/controller.json" "$t/etc/edge/controller.json"
  install -D -m 0644 "$root/packaging/mosquitto/edge.conf" "$t/usr/share/edge/mosquitto/edge.conf"
  install -D -m 0644 "$root/packaging/mosquitto/edge.acl" "$t/usr/share/edge/mosquitto/edge.acl"
  package edge-controller
fi

if wanted edgectl; then
  t="$work/edgectl"
  publish controller/Edge.Ctl "$t/opt/edge/edgectl"
  install -d -m 0755 "$t/usr/bin"
  ln -s /opt/edge/edgectl/edgectl "$t/usr/bin/edgectl"
  package edgectl
fi
