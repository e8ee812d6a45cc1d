#!/usr/bin/env bash
# Runs "$@" with every other dotnet/test process of the machine stopped (SIGSTOP, re-checked every 2 s for new
# ones), all resumed on exit: timing on a machine shared with other work (other agents' builds and tests), e.g.
#   CVR_CLI=OLD/Cvr.Cli.dll bench/quiet.sh bench/time-to-quality.sh 0.1 WORK CONFIGS
# Only processes matching dotnet|testhost|Cvr are paused; what the command itself starts is left running.
set -u
log=/tmp/quiet-stopped.$$
: > "$log"
"$@" &
child=$!
(
  while kill -0 $child 2>/dev/null; do
    others=$(pgrep -f 'dotnet|testhost|Cvr')   # first: a process of ours started after this is not among them
    mine=" $(pstree -p $child | grep -o '([0-9]*)' | tr -d '()' | tr '\n' ' ') $$ "
    for p in $others; do
      case "$mine" in *" $p "*) continue;; esac
      kill -STOP "$p" 2>/dev/null && echo "$p" >> "$log"
    done
    sleep 2
  done
) &
watcher=$!
wait $child; rc=$?
kill $watcher 2>/dev/null; wait $watcher 2>/dev/null
for p in $(sort -u "$log"); do kill -CONT "$p" 2>/dev/null; done
echo "quiet.sh: stopped $(sort -u "$log" | wc -l) other processes while it ran" >&2
rm -f "$log"
exit $rc
