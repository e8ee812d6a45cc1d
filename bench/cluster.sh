#!/usr/bin/env bash
# Distribution's overhead on one machine: one `cvr train --threads T` process against N ranks of `cvr train --threads 1`
# on loopback, back to back on one build. Each rank is started by hand (not by cvr launch) under /usr/bin/time, so
# each rank's own wall time and peak RSS are read. Prints one line per process and the ranks' models digests.
# Usage: bench/cluster.sh [SCALE] [WORK_DIR] [RANKS]   (defaults: 1.0, /tmp/cvr-cluster-bench, 2)
# Target (issue 23, scale 1.0): 2 ranks x 1 thread <= 1.3x the wall time of 1 process x 2 threads.
# Don't pause other processes with bench/quiet.sh while it runs: a stopped rank fails the job (docs/pipeline.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
work="${2:-/tmp/cvr-cluster-bench}"
ranks="${3:-2}"
dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null
cli=src/Cvr.Cli/bin/Release/net10.0/Cvr.Cli.dll
if [ ! -d "$work/data/train" ]; then
  dotnet "$cli" generate --out "$work/data" --scale "$scale" --overwrite -q
fi
export CVR_CACHE_DIR="$work/cache"
machines=$(seq 0 $((ranks - 1)) | awk '{printf "%s127.0.0.1:%d", (NR>1?",":""), 12600 + $1}')
rm -rf "$work/shared" "$work/ranks-model" "$work/single-model"
pids=()
for r in $(seq 0 $((ranks - 1))); do
  /usr/bin/time -f "rank $r of $ranks: %e s wall, %U s user, %S s sys, %M KB peak" dotnet "$cli" train --data "$work/data" \
    --out "$work/ranks-model" --threads 1 --no-report --machines "$machines" --rank "$r" --shared "$work/shared" \
    > "$work/rank$r.out" 2> "$work/rank$r.err" &
  pids+=($!)
done
wait "${pids[@]}"
/usr/bin/time -f "one process, $ranks threads: %e s wall, %U s user, %S s sys, %M KB peak" dotnet "$cli" train --data "$work/data" \
  --out "$work/single-model" --threads "$ranks" --no-report > "$work/single.out" 2> "$work/single.err"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); build $(git rev-parse --short HEAD)"
for r in $(seq 0 $((ranks - 1))); do tail -n 1 "$work/rank$r.err"; done
tail -n 1 "$work/single.err"
grep -h "models sha256" "$work"/rank*.err | sed 's/^\[[^]]*\] //'
grep -h "  ensemble " "$work/rank0.out" "$work/single.out" | sed 's/^/validation: /'
