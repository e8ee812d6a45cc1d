#!/usr/bin/env bash
# End-to-end timing of `cvr generate` (synthetic data in the challenge layout).
# Usage: bench/generate.sh [SCALE] [OUT]   (defaults: 1.0, /tmp/cvr-generate-bench)
# Target (issue): scale 1.0 (~1.8 GB of text) in at most 60 s on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
out="${2:-/tmp/cvr-generate-bench}"
rm -rf "$out"
dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null
start=$(date +%s.%N)
dotnet run --project src/Cvr.Cli -c Release --no-build -- generate --out "$out" --scale "$scale"
end=$(date +%s.%N)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "scale $scale: $(echo "$end - $start" | bc) s wall, $(du -sb "$out" | cut -f1) bytes in $out"
