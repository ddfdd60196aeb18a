#!/usr/bin/env bash
# One run, one machine, one table: LatentCL on OpenCL and on the Java backend, CLBlast (untuned
# defaults, through tools/clblast-gemm.c) and the PyTorch reference (../shared/tools/torch_ref.py,
# 1 and 2 threads), with ratios.
#   tools/bench.sh [EPOCHS=2]      (epoch times are those of the last epoch; the first warms up)
# Needs: target/latentcl.jar (built if missing), gcc and libclblast-dev for the CLBlast column,
# /usr/bin/python3 with torch (Debian's python3-torch) for the PyTorch rows, the Fashion-MNIST
# files (Debian's dataset-fashion-mnist). A missing tool leaves its column as "-".
set -uo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
[ -f target/latentcl.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
lcl() { java -jar target/latentcl.jar "$@"; }
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])" 2>/dev/null || echo "-"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "device:  $(lcl devices 2>/dev/null | head -1 | xargs)"
echo

have_clblast=0
if gcc -O2 -o "$work/clblast-gemm" tools/clblast-gemm.c -lclblast -lOpenCL 2>/dev/null; then have_clblast=1; fi

echo "GEMM, GFLOP/s (median of 20 samples; each sample queues calls back to back for ~20 ms)"
printf "%-16s %-5s %10s %10s %10s %14s\n" shape trans opencl java clblast "opencl/clblast"
for s in "128 400 784 NN" "128 784 400 NT" "784 400 128 TN" "1024 1024 1024 NN"; do
    set -- $s
    cl=$(lcl bench gemm --shape "${1}x${2}x${3}" --trans "$4" --repeat 20 --json 2>/dev/null | field gflops)
    jv=$(lcl bench gemm --device java --shape "${1}x${2}x${3}" --trans "$4" --repeat 20 --json 2>/dev/null | field gflops)
    cb="-"
    [ $have_clblast = 1 ] && cb=$("$work/clblast-gemm" "$1" "$2" "$3" "$4" 20 2>/dev/null | field gflops)
    ratio=$(python3 -c "print(f'{float(\"$cl\")/float(\"$cb\"):.1f}x')" 2>/dev/null || echo "-")
    printf "%-16s %-5s %10s %10s %10s %14s\n" "${1}x${2}x${3}" "$4" "$cl" "$jv" "$cb" "$ratio"
done
echo

# Seconds of the last epoch: LatentCL's from metrics.jsonl, PyTorch's from its JSON lines.
lcl_epoch() {  # model device
    lcl train "$1" --data fashion-mnist --epochs "$epochs" --device "$2" --quiet --out "$work/$1-$2" > "$work/$1-$2.log" 2>&1 \
        && tail -n1 "$work/$1-$2/metrics.jsonl" | field train_seconds || echo "-"
}
torch_epoch() {  # model threads
    /usr/bin/python3 ../shared/tools/torch_ref.py "$1" --epochs "$epochs" --threads "$2" 2> "$work/torch-$1-$2.err" \
        | grep '"train_seconds"' | field train_seconds || echo "-"
}
echo "One Fashion-MNIST epoch (60,000 examples, batch 128, default models), seconds"
printf "%-5s %12s %12s %12s %12s %16s %16s\n" model "opencl" "java" "torch 1t" "torch 2t" "opencl/torch" "java/torch"
for model in vae gan; do
    cl=$(lcl_epoch "$model" auto)
    jv=$(lcl_epoch "$model" java)
    t1=$(torch_epoch "$model" 1)
    t2=$(torch_epoch "$model" 2)
    ratios=$(python3 - "$cl" "$jv" "$t1" "$t2" <<'PY' 2>/dev/null || echo "- -"
import sys
cl, jv, t1, t2 = (float(x) for x in sys.argv[1:])
best = min(t1, t2)
print(f"{cl / best:.2f} {jv / best:.2f}")
PY
)
    printf "%-5s %12s %12s %12s %12s %16s %16s\n" "$model" "$cl" "$jv" "$t1" "$t2" $ratios
done
echo "(ratios against PyTorch's faster thread count; below 1 means LatentCL is faster)"
rm -rf "$work"
