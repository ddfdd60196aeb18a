#!/usr/bin/env bash
# Usage: tools/dashboard-load.sh [OUT]   (EPOCHS=8 CLIENTS=20 PORT=6391 in the environment)
# The dashboard under load: trains `train gan` once alone and once while `serve` has CLIENTS live views of it
# (curl following /api/runs/RUN/events), then reports each epoch's training time both ways, how many epochs every
# client saw, and the server's resident memory and open files over the run. Needs target/latentcl.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/dashboard-load}
EPOCHS=${EPOCHS:-8}
CLIENTS=${CLIENTS:-20}
PORT=${PORT:-6391}
JAR=target/latentcl.jar
rm -rf "$OUT"
mkdir -p "$OUT/runs" "$OUT/clients"

java -jar "$JAR" train gan --epochs "$EPOCHS" --device java --seed 1 --out "$OUT/runs/alone" --quiet > "$OUT/alone.log" 2>&1

java -jar "$JAR" serve --runs "$OUT/runs" --port "$PORT" > "$OUT/serve.log" 2>&1 &
serve_launcher=$!
until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/runs"; do sleep 0.2; done
# The launcher may relaunch itself with class data sharing: the server is the newest JVM serving this folder.
server=$(pgrep -f "serve --runs $OUT/runs" | tail -1)

java -jar "$JAR" train gan --epochs "$EPOCHS" --device java --seed 1 --out "$OUT/runs/watched" --quiet > "$OUT/watched.log" 2>&1 &
train=$!
until [ -d "$OUT/runs/watched" ]; do sleep 0.1; done
clients=()
for i in $(seq "$CLIENTS"); do
    curl -s -N "http://127.0.0.1:$PORT/api/runs/watched/events" > "$OUT/clients/$i.txt" &
    clients+=($!)
done
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
cpu_start=$(ticks "$server")
while kill -0 "$train" 2>/dev/null; do
    echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/"$server"/status) $(ls /proc/"$server"/fd | wc -l)" >> "$OUT/server-usage.txt"
    sleep 2
done
echo $(( $(ticks "$server") - cpu_start )) > "$OUT/server-cpu-ticks.txt"
sleep 1
kill "${clients[@]}" 2>/dev/null || true
kill "$serve_launcher" "$server" 2>/dev/null || true

python3 - "$OUT" "$EPOCHS" "$CLIENTS" <<'PY'
import json, sys, pathlib
out, epochs, clients = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def times(run):
    return [json.loads(l)["train_seconds"] for l in (out / "runs" / run / "metrics.jsonl").read_text().splitlines() if l.strip()]
alone, watched = times("alone"), times("watched")
print("epoch seconds alone:  ", " ".join("%.2f" % t for t in alone))
print("epoch seconds watched:", " ".join("%.2f" % t for t in watched))
print("mean alone %.2f s, watched %.2f s (ratio %.3f)" % (sum(alone) / len(alone), sum(watched) / len(watched),
      (sum(watched) / len(watched)) / (sum(alone) / len(alone))))
seen = [sum(1 for l in (out / "clients" / f"{i}.txt").read_text().splitlines() if l.startswith("data: ")) for i in range(1, clients + 1)]
if clients:
    print("epochs seen by each of %d clients: min %d, max %d (of %d)" % (clients, min(seen), max(seen), epochs))
ticks = int((out / "server-cpu-ticks.txt").read_text())
print("server CPU while training: %.2f s of %.1f s of training" % (ticks / 100, sum(watched)))
usage = [l.split() for l in (out / "server-usage.txt").read_text().splitlines()]
rss = [int(u[1]) / 1024 for u in usage]
fds = [int(u[2]) for u in usage]
print("server resident memory MB: first %.0f, last %.0f, max %.0f; open files: first %d, last %d, max %d (%d samples)"
      % (rss[0], rss[-1], max(rss), fds[0], fds[-1], max(fds), len(usage)))
PY
