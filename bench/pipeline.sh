#!/usr/bin/env bash
# End-to-end benchmark of the main job (`cvr run`): phase times from metrics.json and the peak RSS of the process.
# Usage: bench/pipeline.sh [SCALE] [WORK_DIR] [extra cvr run options...]   (defaults: 1.0, /tmp/cvr-pipeline-bench)
# Targets (issue 5, fast preset, scale 1.0): everything that is not LightGBM's own training and prediction
# (reading, features, matrices, writing) ≤ 15% of the wall time; peak memory ≤ 6 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
work="${2:-/tmp/cvr-pipeline-bench}"
shift $(( $# > 2 ? 2 : $# ))
dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null
cli=src/Cvr.Cli/bin/Release/net10.0/Cvr.Cli.dll
if [ ! -f "$work/data/truth/story.json" ]; then
  dotnet "$cli" generate --out "$work/data" --scale "$scale" --overwrite -q
fi
rm -rf "$work/run"
/usr/bin/time -v dotnet "$cli" run --data "$work/data" --out "$work/run" --no-cache "$@" > "$work/run.out" 2> "$work/run.err"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "Elapsed \(wall|Maximum resident" "$work/run.err"
python3 - "$work/run/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
phases = m["phases_seconds"]
total = sum(phases.values())
lightgbm = sum(v for k, v in phases.items() if k in ("lightgbm: train", "lightgbm: predict"))
print("| phase | seconds | share |")
print("|---|---|---|")
for k, v in sorted(phases.items(), key=lambda kv: -kv[1]):
    print(f"| {k} | {v:.1f} | {v / total:.1%} |")
print(f"| **not LightGBM's training/prediction** | {total - lightgbm:.1f} | **{(total - lightgbm) / total:.1%}** |")
print("best iterations:", m["best_iterations"])
PY
