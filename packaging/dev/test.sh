#!/usr/bin/env bash
# Sets up a fresh machine (packages, TorchSharp native fix through the build) and runs every test.
# Extra arguments go to `dotnet test`, e.g. --filter "FullyQualifiedName~Cgroup".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

bash packaging/dev/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Edge.sln -c Release -nologo -clp:ErrorsOnly

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# Test assemblies run one after another: several of them measure real CPU use of processes in cgroups,
# which a second assembly running beside them on a 2-core machine would distort.
dotnet test Edge.sln -c Release --no-build -nologo -m:1 -- RunConfiguration.MaxCpuCount=1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line over all assemblies.
awk '/(Passed!|Failed!) +- Failed: /{
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
