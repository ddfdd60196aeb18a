#!/usr/bin/env bash
# A long run on small data, to show that memory stays flat: trains a model for many epochs on 1,000
# embedded digits and prints, per epoch, the process's resident memory (from /proc) and the device
# buffers the run holds (from metrics.jsonl; on a data-parallel run, the first device's).
#   tools/soak.sh [EPOCHS=200] [DEVICE=auto] [MODEL=vae|gan|dcgan]
# DEVICE may be a list: POCL_DEVICES="pthread pthread" POCL_MAX_PTHREAD_COUNT=1 tools/soak.sh 50 cl:1,cl:2 dcgan
# soaks a two-device run on one CPU. JVM options in SOAK_JAVA_OPTS (default -Xmx256m, -Xmx1g for the
# DCGAN: a bounded heap makes a leak fail the run instead of hiding behind a growing heap).
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-200}
device=${2:-auto}
model=${3:-vae}
[ -f target/latentcl.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/digits.npy" <<'PY'
import gzip, sys
raw = gzip.open("src/main/resources/datasets/default/train-images-idx3-ubyte.gz").read()
n = 1000
header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d, 28, 28), }" % n
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("ascii"))
    f.write(raw[16:16 + 784 * n])
PY
case "$model" in
    vae) args=(train vae --batch 100) ;;
    gan) args=(train gan --batch 100) ;;
    dcgan) args=(train gan --arch dcgan --batch 50) ;;
    *) echo "MODEL must be vae, gan or dcgan" >&2; exit 2 ;;
esac
heap=-Xmx256m
[ "$model" = dcgan ] && heap=-Xmx1g
java ${SOAK_JAVA_OPTS:-$heap} -jar target/latentcl.jar "${args[@]}" --data "$work/digits.npy" --epochs "$epochs" --device "$device" \
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
        bufs=$(tail -1 "$work/run/metrics.jsonl" | grep -o '"device_buffers":-\?[0-9]*' | cut -d: -f2)
        echo "$n  $rss  ${bufs:--}"
    fi
    sleep 0.2
done
if ! wait "$launcher"; then
    cat "$work/log" >&2
    exit 1
fi
