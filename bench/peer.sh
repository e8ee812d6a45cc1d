#!/usr/bin/env bash
# A peer for cvr's speed claims: the paper's pipeline in pandas with XGBoost (and LightGBM's Python package when it
# can be imported) against cvr's default `cvr train` + `cvr predict`, on the same generated data, in one run, and
# one markdown table: wall time (train + predict), peak RSS, validation- and test-day logloss, captured share.
# Usage: bench/peer.sh SCALE WORK_DIR [TOOL ...]
#   TOOL: cvr (the default train + predict), cvr-paper (the same without the time-aware history: the paper's
#   features, as the peer builds them), xgboost, lightgbm (bench/peer/paper_pipeline.py --engine ...).
#   Without TOOLs, all four. Data: WORK_DIR/data, generated at seed 42 if absent (a symlink to an existing
#   generated folder of the same scale works).
# Every tool starts from the text files (cvr with --no-cache, so no run reads a parsed cache) and runs in its own
# process under /usr/bin/time -v; all use every core (threads = nproc) and seed 42.
# CVR_CLI=path/to/Cvr.Cli.dll runs that build instead of building the checkout. PYTHON=path picks the interpreter
# (else the first of python3, /usr/bin/python3 that imports pandas and numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: bench/peer.sh SCALE WORK_DIR [cvr|cvr-paper|xgboost|lightgbm ...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
scale="$1"; work="$2"; shift 2
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(cvr cvr-paper xgboost lightgbm)
for t in "${tools[@]}"; do
  case "$t" in cvr|cvr-paper|xgboost|lightgbm) ;; *) echo "error: unknown tool '$t'" >&2; usage ;; esac
done
wants() { [[ " ${tools[*]} " == *" $1 "* ]]; }

# Python: the peer needs pandas and numpy, and the engine's package.
py=""
candidates=(python3 /usr/bin/python3); [ -n "${PYTHON:-}" ] && candidates=("$PYTHON")
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import numpy, pandas' >/dev/null 2>&1; then
    py="$candidate"; break
  fi
done
if wants xgboost || wants lightgbm; then
  if [ -z "$py" ]; then
    echo "error: no Python 3 with pandas and numpy (tried ${candidates[*]});" \
      "on Debian: apt-get install python3-pandas python3-xgboost (or set PYTHON=/path/to/python3)" >&2
    exit 2
  fi
  if wants xgboost && ! "$py" -c 'import xgboost' >/dev/null 2>&1; then
    echo "error: $py cannot import xgboost; on Debian: apt-get install python3-xgboost" >&2
    exit 2
  fi
  if wants lightgbm && ! "$py" -c 'import lightgbm' >/dev/null 2>&1; then
    echo "lightgbm: skipped — $py cannot import lightgbm (Debian 12 has no python3-lightgbm; pip install lightgbm)" >&2
    kept=(); for t in "${tools[@]}"; do [ "$t" = lightgbm ] || kept+=("$t"); done; tools=("${kept[@]}")
  fi
fi

if [ -z "${CVR_CLI:-}" ]; then dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null; fi
cli="${CVR_CLI:-src/Cvr.Cli/bin/Release/net10.0/Cvr.Cli.dll}"
[ -f "$cli" ] || { echo "error: $cli: no such file (CVR_CLI)" >&2; exit 2; }
data="$work/data"
if [ ! -f "$data/truth/story.json" ]; then
  dotnet "$cli" generate --out "$data" --scale "$scale" --seed 42 --overwrite -q
fi
have=$(sed -n 's/.*"scale": *\([0-9.eE+-]*\).*/\1/p' "$data/truth/story.json" | head -1)
if ! awk -v a="$have" -v b="$scale" 'BEGIN { exit !(a + 0 == b + 0) }'; then
  echo "error: $data holds scale $have, not $scale (use another WORK_DIR)" >&2; exit 2
fi
threads=$(nproc)
# OpenMP threads spin while they wait unless told otherwise, which on a shared machine costs far more than it saves;
# cvr's binding sets OMP_WAIT_POLICY=PASSIVE unless it is already set (docs/benchmarks.md). Every tool here gets the
# same policy: PASSIVE by default, OMP_WAIT_POLICY=ACTIVE bench/peer.sh ... gives all of them spinning.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
mkdir -p "$work/runs"
printf '{"history": {"keys": []}}\n' > "$work/paper-features.json"

echo "machine: $threads cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "data: scale $scale, seed 42 ($data); python: ${py:-none}; OMP_WAIT_POLICY=$OMP_WAIT_POLICY"

for t in "${tools[@]}"; do
  run="$work/runs/$t"
  rm -rf "$run"; mkdir -p "$run"
  echo "$t: running (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  case "$t" in
    cvr|cvr-paper)
      config=(); [ "$t" = cvr-paper ] && config=(--config "$work/paper-features.json")
      /usr/bin/time -v dotnet "$cli" train --data "$data" --out "$run/model" --no-cache --seed 42 --threads "$threads" \
        "${config[@]}" --json > "$run/train.json" 2> "$run/train.stderr" \
        || { echo "$t: train failed (see $run/train.stderr)" >&2; continue; }
      /usr/bin/time -v dotnet "$cli" predict --model "$run/model" --data "$data" --out "$run/submission.csv" --no-cache \
        > "$run/predict.stdout" 2> "$run/predict.stderr" \
        || { echo "$t: predict failed (see $run/predict.stderr)" >&2; continue; }
      ;;
    xgboost|lightgbm)
      /usr/bin/time -v "$py" bench/peer/paper_pipeline.py --data "$data" --out "$run" --engine "$t" \
        --threads "$threads" --seed 42 > "$run/peer.stdout" 2> "$run/peer.stderr" \
        || { echo "$t: failed (see $run/peer.stderr)" >&2; continue; }
      ;;
  esac
  dotnet "$cli" evaluate --submission "$run/submission.csv" --truth "$data" --json > "$run/evaluate.json" \
    || { echo "$t: evaluate failed" >&2; continue; }
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

"${py:-python3}" - "$work/runs" "${tools[@]}" <<'PY'
import json, os, re, sys
runs, tools = sys.argv[1], sys.argv[2:]
names = {"cvr": "cvr train + predict (default)", "cvr-paper": "cvr, paper's features (no history)",
         "xgboost": "pandas + XGBoost (peer)", "lightgbm": "pandas + LightGBM Python (peer)"}

def timed(path):
    err = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1048576
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", err).group(1)) for k in ("User", "System"))
    return seconds, rss, cpu

rows = []
for t in tools:
    d = os.path.join(runs, t)
    if not os.path.exists(os.path.join(d, "evaluate.json")):
        continue
    ev = json.load(open(os.path.join(d, "evaluate.json")))["is_installed"]
    if t.startswith("cvr"):
        (w1, r1, c1), (w2, r2, c2) = timed(os.path.join(d, "train.stderr")), timed(os.path.join(d, "predict.stderr"))
        wall, rss, cpu = w1 + w2, max(r1, r2), c1 + c2
        m = json.load(open(os.path.join(d, "train.json")))
        valid = next(r["logloss"] for r in m["validation"]["models"] if r["model"] == "ensemble")
        iters = m["best_iterations"]
        phases = m["phases_seconds"]
    else:
        wall, rss, cpu = timed(os.path.join(d, "peer.stderr"))
        m = json.load(open(os.path.join(d, "peer.json")))
        valid = m["validation_logloss"]["ensemble"]
        iters = m["best_iterations"]
        phases = m["phases_seconds"]
    rows.append((t, wall, cpu, rss, valid, ev["logloss"], ev.get("captured_share"), iters, phases))

base = next((r[1:3] for r in rows if r[0] == "cvr"), None)
print()
print("| tool | wall s (train + predict) | ÷ cvr | CPU s (user + sys) | ÷ cvr | peak RSS GB | validation logloss | test logloss | captured | best iterations (e2e, like, install) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for t, wall, cpu, rss, valid, test, captured, iters, _ in rows:
    ratio = f"{wall / base[0]:.2f}×" if base else ""
    cpu_ratio = f"{cpu / base[1]:.2f}×" if base else ""
    cap = f"{captured * 100:.1f} %" if captured is not None else ""
    it = ", ".join(str(iters.get(k, "")) for k in ("e2e", "like", "install"))
    print(f"| {names[t]} | {wall:.1f} | {ratio} | {cpu:.1f} | {cpu_ratio} | {rss:.2f} | {valid:.5f} | {test:.5f} | {cap} | {it} |")
print()
print("Phases (s):")
for t, *_, phases in rows:
    print(f"- {names[t]}: " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
PY
