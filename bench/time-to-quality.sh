#!/usr/bin/env bash
# Time to quality: runs configurations of `cvr run` one after another on the same generated data and prints one
# table: wall time, LightGBM's share of it, peak RSS, the ensemble's validation and test logloss, the captured share.
# Usage: bench/time-to-quality.sh SCALE WORK_DIR CONFIG_FILE [NAME ...]
#   CONFIG_FILE: one configuration per line, "name<TAB>cvr run options" (# starts a comment; the options may name
#   --params files relative to the repository). With NAMEs, only those configurations run.
# Each run is its own process (so its peak RSS is its own), from the Arrow cache (warmed before the first run).
# CVR_CLI=path/to/Cvr.Cli.dll runs that build instead of building the checkout (to keep editing while it runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="$1"; work="$2"; configs="$3"; shift 3
if [ -z "${CVR_CLI:-}" ]; then dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null; fi
cli="${CVR_CLI:-src/Cvr.Cli/bin/Release/net10.0/Cvr.Cli.dll}"
if [ ! -f "$work/data/truth/story.json" ]; then
  dotnet "$cli" generate --out "$work/data" --scale "$scale" --seed 42 --overwrite -q
fi
export CVR_CACHE_DIR="$work/cache"
dotnet "$cli" describe --data "$work/data" -q >/dev/null   # warm the Arrow cache, so no run pays for parsing text
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: scale $scale, seed 42 ($work/data)"
while IFS=$'\t' read -r name options; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [ $# -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then continue; fi
  rm -rf "$work/runs/$name"; mkdir -p "$work/runs/$name"
  # shellcheck disable=SC2086
  /usr/bin/time -v dotnet "$cli" run --data "$work/data" --out "$work/runs/$name/out" $options \
    > "$work/runs/$name/stdout" 2> "$work/runs/$name/stderr" || { echo "$name: failed (see $work/runs/$name/stderr)"; continue; }
  echo "$options" > "$work/runs/$name/options"
done < "$configs"
python3 - "$work/runs" "$configs" <<'PY'
import json, os, re, sys
runs, configs = sys.argv[1], sys.argv[2]
order = [l.split("\t")[0] for l in open(configs) if l.strip() and not l.startswith("#")]
print("| configuration | wall s | LightGBM share | peak RSS GB | valid logloss | test logloss | captured | calibration | new-ad logloss (truth) | best iterations |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name in order:
    d = os.path.join(runs, name)
    metrics = os.path.join(d, "out", "metrics.json")
    if not os.path.exists(metrics):
        continue
    err = open(os.path.join(d, "stderr")).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1048576
    m = json.load(open(metrics))
    phases = m["phases_seconds"]
    lightgbm = sum(v for k, v in phases.items() if k.startswith("lightgbm"))
    def ensemble(day):
        row = next(r for r in m[day]["models"] if r["model"] == "ensemble")
        return row
    v, t = ensemble("validation"), ensemble("test")
    captured = t.get("captured_share")
    captured = f"{captured * 100:.1f} %" if captured is not None else ""
    new = m.get("test_new_ads")
    if new:
        e = next(r for r in new["models"] if r["model"] == "ensemble")
        new = f"{e['logloss']:.4f} ({new['truth_logloss']:.4f})" if new.get("truth_logloss") is not None else f"{e['logloss']:.4f}"
    iters = ", ".join(f"{k} {v}" for k, v in m["best_iterations"].items())
    print(f"| {name} | {seconds:.0f} | {lightgbm / seconds:.0%} | {rss:.2f} | {v['logloss']:.5f} | {t['logloss']:.5f} | "
          f"{captured} | {t['calibration_ratio']:.3f} | {new or ''} | {iters} |")
PY
