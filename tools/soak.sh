#!/usr/bin/env bash
# A long run on small data, to show that memory stays flat: trains the VAE for many epochs on
# 1,000 embedded digits and prints, per epoch, the process's resident memory (from /proc) and the
# device buffers the run holds (from metrics.jsonl).
#   tools/soak.sh [EPOCHS=200] [DEVICE=auto]   (JVM options in SOAK_JAVA_OPTS, default -Xmx256m: a bounded
#   heap makes a leak fail the run instead of hiding behind a growing heap)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-200}
device=${2:-auto}
[ -f target/latentcl.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
python3 - "$work/digits.csv" <<'PY'
import gzip, struct, sys
raw = gzip.open("src/main/resources/datasets/default/train-images-idx3-ubyte.gz").read()
n = 1000
with open(sys.argv[1], "w") as f:
    for i in range(n):
        px = raw[16 + 784 * i: 16 + 784 * (i + 1)]
        f.write(",".join(f"{b / 255:.4f}" for b in px) + "\n")
PY
java ${SOAK_JAVA_OPTS:--Xmx256m} -jar target/latentcl.jar train vae --data "$work/digits.csv" --epochs "$epochs" --batch 100 --device "$device" \
    --quiet --out "$work/run" > "$work/log" 2>&1 &
launcher=$!
echo "epoch  rss_mb  device_buffers"
seen=0
while kill -0 "$launcher" 2>/dev/null; do
    # The command line re-launches itself once (see SignalChaining): measure the child JVM.
    pid=$(pgrep -P "$launcher" java || echo "$launcher")
    n=$( [ -f "$work/run/metrics.jsonl" ] && wc -l < "$work/run/metrics.jsonl" || echo 0)
    if [ "$n" -gt "$seen" ]; then
        seen=$n
        rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo "?")
        bufs=$(tail -1 "$work/run/metrics.jsonl" | grep -o '"device_buffers":[0-9]*' | cut -d: -f2)
        echo "$n  $rss  ${bufs:--}"
    fi
    sleep 0.2
done
wait "$launcher"
rm -rf "$work"
