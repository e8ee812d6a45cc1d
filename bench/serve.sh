#!/usr/bin/env bash
# Benchmark of `cvr serve` with wrk (Debian package) over loopback, on a bundle trained from generated data.
# Usage: bench/serve.sh prepare|latency|floor|throughput|explain|beside|hog|soak|reload [WORK_DIR]      (default WORK_DIR /tmp/cvr-serve-bench)
#   prepare     generate data (scale $SCALE, default 0.05), train a bundle with the click model (and the MMOE when
#               MMOE=1), cvr predict
#   latency     single impressions, $CONNECTIONS (default 4) connections, 30 s: p50/p99/p99.9 (wrk, including HTTP) and throughput
#   throughput  batches of 1,000 rows, 4 connections, 30 s: rows/s
#   floor       the latency mode's client (wrk, $CONNECTIONS connections, 30 s) against GET /healthz, which does no
#               work: the machine's own latency under that load, for any endpoint. Alternate it with latency: on a
#               2-core machine shared with wrk, the closed loop's p99 is mostly the scheduler's, not the scorer's
#   explain     single impressions explained (POST /v1/models/cvr:explain, top 10), $CONNECTIONS (default 4) connections, 30 s
#   beside      single-impression predicts at $CONNECTIONS (default 4) connections with single-impression explains at $EXPLAIN_CONNECTIONS
#               (default 1) beside them, 30 s: both latency lines (compare predict's with the latency mode's)
#   hog         the latency mode beside a CPU-bound shell loop (one core's worth of work, as one explain connection
#               takes): what any busy neighbour does to predict's tail; compare with beside's predict line
#   soak        single impressions, 4 connections, $SOAK_SECONDS (default 600): errors, RSS sampled every 10 s
#   reload      $RELOADS (default 15) SIGHUP reloads of the same bundle, 2 s of single impressions before each:
#               RSS and managed heap after the first load and after every reload (no timing claim)
# Run timing modes under the exclusive lock (flock -x /tmp/cvr-cpu.lock bench/serve.sh latency); the soak is not
# a timing claim and runs under the shared lock. Each mode starts its own server and stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:?usage: bench/serve.sh prepare|latency|floor|throughput|explain|beside|hog|soak|reload [WORK_DIR]}"
work="${2:-/tmp/cvr-serve-bench}"
scale="${SCALE:-0.05}"
port="${PORT:-18181}"
cli="${CLI:-src/Cvr.Cli/bin/Release/net10.0/Cvr.Cli.dll}"   # CLI=: another build (e.g. before a change)
url="http://127.0.0.1:$port"
mkdir -p "$work"

if [ "$mode" = prepare ]; then
  dotnet build src/Cvr.Cli -c Release -v quiet -nologo >/dev/null
  [ -f "$work/data/truth/story.json" ] || dotnet "$cli" generate --out "$work/data" --scale "$scale" --overwrite -q
  # Delete WORK_DIR (or its model/) to train again.
  [ -f "$work/model/manifest.json" ] || dotnet "$cli" train --data "$work/data" --out "$work/model" --click-model ${MMOE:+--mmoe} -q > "$work/train.out"
  dotnet "$cli" predict --model "$work/model" --data "$work/data" --out "$work/submission.csv" -q
  python3 bench/serve/bodies.py "$work"/data/test/000000000000.csv 1 "$work/single.jsonl"
  python3 bench/serve/bodies.py "$work"/data/test/000000000000.csv 1000 "$work/batch.jsonl"
  echo "prepared $work: $(wc -l < "$work/single.jsonl") single-row bodies, $(wc -l < "$work/batch.jsonl") batches of 1,000"
  exit 0
fi

dotnet "$cli" serve --model "$work/model" --urls "$url" --max-batch 1000 ${WATCH:+--watch-interval $WATCH} 2> "$work/serve-$mode.err" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
curl -s "$url/v1/models/cvr" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("model: %d features; " % m["features"] + ", ".join("%s %d trees" % (k, v["best_iteration"]) for k, v in m["models"].items()) + "".join("; member %s (weight %.2f)" % (k, v["weight"]) for k, v in m.get("members", {}).items()))'

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system CPU of a process, in clock ticks
run() { # label, bodies, seconds[, path, connections]: wrk's result line, plus the server's CPU per request (independent of other load)
  local before line connections="${5:-4}"
  before=$(ticks $server)
  line=$(wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"$3"s --timeout 5s -s bench/serve/post.lua "$url" -- "$2" "${4:-/v1/models/cvr:predict}" | grep RESULT | sed "s/^RESULT/$1/")
  echo "$line server_cpu_us_per_request=$(awk -v t=$(( $(ticks $server) - before )) -v hz="$(getconf CLK_TCK)" -v line="$line" \
    'BEGIN { match(line, /requests=[0-9]+/); n = substr(line, RSTART + 9, RLENGTH - 9); printf "%.0f", t / hz * 1e6 / n }')"
}
metrics() { curl -s "$url/metrics" | grep -E '^(cvr_requests_total|cvr_rows_scored_total|cvr_rows_explained_total|cvr_predict_duration_seconds_(sum|count)|cvr_gc_|process_resident_memory_bytes)'; }

case "$mode" in
  latency)
    run warmup "$work/single.jsonl" 5 >/dev/null
    run single "$work/single.jsonl" 30 /v1/models/cvr:predict "${CONNECTIONS:-4}"
    ;;
  floor)
    run warmup "$work/single.jsonl" 5 /healthz >/dev/null
    run healthz "$work/single.jsonl" 30 /healthz "${CONNECTIONS:-4}"
    ;;
  explain)
    run warmup "$work/single.jsonl" 5 /v1/models/cvr:explain >/dev/null
    run explain "$work/single.jsonl" 30 /v1/models/cvr:explain "${CONNECTIONS:-4}"
    ;;
  beside)
    # Two wrk processes at once: the server CPU per request of each line counts both (the server's CPU over the
    # run divided by that line's requests), so only the latencies are each route's own.
    run warmup "$work/single.jsonl" 5 >/dev/null
    run explain_beside "$work/single.jsonl" 30 /v1/models/cvr:explain "${EXPLAIN_CONNECTIONS:-1}" &
    beside=$!
    run predict_beside "$work/single.jsonl" 30 /v1/models/cvr:predict "${CONNECTIONS:-4}"
    wait $beside
    ;;
  hog)
    run warmup "$work/single.jsonl" 5 >/dev/null
    ( trap 'exit 0' TERM; while :; do :; done ) &
    hog=$!
    run predict_beside_hog "$work/single.jsonl" 30 /v1/models/cvr:predict "${CONNECTIONS:-4}"
    kill -TERM $hog; wait $hog || true
    ;;
  throughput)
    run warmup "$work/batch.jsonl" 5 >/dev/null
    run batch1000 "$work/batch.jsonl" 30
    ;;
  soak)
    seconds="${SOAK_SECONDS:-600}"
    ( for _ in $(seq $((seconds / 10))); do sleep 10; echo "rss_kb $(awk '/VmRSS/ {print $2}' /proc/$server/status) managed $(curl -s "$url/metrics" | awk '/^cvr_managed_memory_bytes/ {print $2}')"; done ) > "$work/soak-memory.txt" &
    sampler=$!
    run soak "$work/single.jsonl" "$seconds"
    wait $sampler || true
    awk 'NR==1 {first=$2} {if ($2>max) max=$2; last=$2} END {printf "rss_kb first %d last %d max %d (%d samples)\n", first, last, max, NR}' "$work/soak-memory.txt"
    ;;
  reload)
    # Run with WATCH=0 (SIGHUP only). Each reload loads, verifies and swaps in a fresh copy of the bundle; the
    # replaced one is disposed after its last request.
    memory() { echo "rss_mb $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$server/status) managed_mb $(curl -s "$url/metrics" | awk '/^cvr_managed_memory_bytes/ {printf "%.1f", $2/1048576}')"; }
    reloads() { curl -s "$url/metrics" | awk -F'} ' '/^cvr_model_reloads_total\{result="ok"\}/ {print $2}'; }
    run warmup "$work/single.jsonl" 2 >/dev/null
    echo "reload 0 $(memory)"
    for i in $(seq "${RELOADS:-15}"); do
      kill -HUP $server
      until [ "$(reloads)" = "$i" ]; do sleep 0.1; done
      run load "$work/single.jsonl" 2 >/dev/null
      echo "reload $i $(memory)"
    done
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
metrics
kill -TERM $server
wait $server && echo "server exited 0 after SIGTERM"
trap - EXIT
