#!/usr/bin/env bash
# One run, one machine, one table: LatentCL on OpenCL and on the Java backend, CLBlast (untuned
# defaults, through tools/clblast-gemm.c) and the PyTorch reference (../shared/tools/torch_ref.py,
# 1 and 2 threads), with ratios.
#   tools/bench.sh [EPOCHS=3]      (CONV_LIMIT=12800 CONV_EPOCHS=3 size the convolutional part;
#                                   an epoch time is the fastest epoch after the first, which warms up:
#                                   this shared VM's speed drifts within a minute, and the best epoch is
#                                   the one least disturbed, for LatentCL and PyTorch alike)
# BENCH_PARTS (default "gemm mlp conv") picks the tables: GEMM, the MLP epochs, the convolutional models;
# "preset" adds the MLP GAN's default preset against --preset paper on Fashion-MNIST (seconds an epoch and the ratio;
# the two presets' batches differ, so an epoch is the unit a user waits for);
# "scale" adds the DCGAN at 28x28 grey and 32, 64 and 128 colour: images/s and peak memory beside PyTorch
# (tools/dcgan-scale.py, the same networks), one round, 2 epochs on random images (SCALE_SIZES picks sizes).
# BENCH_ROUNDS=R (default 2) runs every epoch measurement R times, interleaved (LatentCL, PyTorch,
# LatentCL, ...), and keeps each one's best, so that a busy minute does not land on one side only.
# Needs: target/latentcl.jar (built if missing), gcc and libclblast-dev for the CLBlast column,
# /usr/bin/python3 with torch (Debian's python3-torch) and OpenBLAS (libopenblas0-pthread: with
# Debian's reference BLAS alone, torch's linear layers run at ~6 GFLOP/s and its epochs take 15x
# longer) for the PyTorch rows, the Fashion-MNIST files (Debian's dataset-fashion-mnist). A missing
# tool leaves its column as "-". PyTorch runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so
# OpenBLAS picks its own kernels for this CPU (some machines set them for old numpy builds; here they
# cost PyTorch 40% of its GEMM speed): LatentCL is compared with PyTorch at its best.
set -uo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-3}
rounds=${BENCH_ROUNDS:-2}
[ -f target/latentcl.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
lcl() { java -jar target/latentcl.jar "$@"; }
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])" 2>/dev/null || echo "-"; }
# The smallest train_seconds among JSON lines after the first epoch (all of them when there is one).
best_epoch() { python3 -c "
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip().startswith('{') and 'train_seconds' in l]
rows = rows[1:] or rows
print(min(r['train_seconds'] for r in rows))" 2>/dev/null || echo "-"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
auto_line=$(lcl devices 2>/dev/null | grep -m1 '^auto chooses' | xargs)
echo "device:  $auto_line"
# CLBlast measures the device auto picks (its cl:N number), not the first one: with Oclgrind registered
# (tools/setup-opencl.sh), the first device is the simulator, where a GEMM takes minutes.
auto_index=$(sed -n 's/^auto chooses cl:\([0-9]*\).*/\1/p' <<<"$auto_line")

parts=${BENCH_PARTS:-gemm mlp conv}
part() { [[ " $parts " == *" $1 "* ]]; }

have_clblast=0
if [ -n "$auto_index" ] && gcc -O2 -o "$work/clblast-gemm" tools/clblast-gemm.c -lclblast -lOpenCL 2>/dev/null; then
    have_clblast=1
    echo "CLBlast:  cl:$auto_index, the same device"
fi
echo

if part gemm; then
echo "GEMM, GFLOP/s (median of 20 samples; each sample queues calls back to back for ~20 ms)"
printf "%-16s %-5s %10s %10s %10s %14s\n" shape trans opencl java clblast "opencl/clblast"
for s in "128 400 784 NN" "128 784 400 NT" "784 400 128 TN" "1024 1024 1024 NN"; do
    set -- $s
    cl=$(lcl bench gemm --shape "${1}x${2}x${3}" --trans "$4" --repeat 20 --json 2>/dev/null | field gflops)
    jv=$(lcl bench gemm --device java --shape "${1}x${2}x${3}" --trans "$4" --repeat 20 --json 2>/dev/null | field gflops)
    cb="-"
    [ $have_clblast = 1 ] && cb=$("$work/clblast-gemm" "$1" "$2" "$3" "$4" 20 "$auto_index" 2>/dev/null | field gflops)
    ratio=$(python3 -c "print(f'{float(\"$cl\")/float(\"$cb\"):.1f}x')" 2>/dev/null || echo "-")
    printf "%-16s %-5s %10s %10s %10s %14s\n" "${1}x${2}x${3}" "$4" "$cl" "$jv" "$cb" "$ratio"
done
echo
fi

# Seconds of the fastest epoch after the first: LatentCL's from metrics.jsonl, PyTorch's from its JSON lines.
lcl_epoch() {  # model device [preset, for the GAN: paper unless given]
    # The GAN as torch_ref.py trains it: the 2014 preset (the default adds R1 and the generator average).
    local preset=(--preset "${3:-paper}"); [ "$1" = gan ] || preset=()
    lcl train "$1" "${preset[@]}" --data fashion-mnist --epochs "$epochs" --device "$2" --quiet --force --out "$work/$1-$2" > "$work/$1-$2.log" 2>&1 \
        && best_epoch < "$work/$1-$2/metrics.jsonl" || echo "-"
}
torch_epoch() {  # model threads
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 ../shared/tools/torch_ref.py "$1" --epochs "$epochs" \
        --threads "$2" 2> "$work/torch-$1-$2.err" | best_epoch || echo "-"
}
blas=$(/usr/bin/python3 -c "import torch; print('generic' if 'BLAS_INFO=generic' in torch.__config__.show() else 'ok')" 2>/dev/null)
if [ "$blas" = generic ] && ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
    echo "warning: PyTorch will use Debian's reference BLAS (install libopenblas0-pthread); its times would mean little"
fi
best() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x != '-']; print(min(v) if v else '-')" "$@"; }
if part mlp; then
echo "One Fashion-MNIST epoch (60,000 examples, batch 128, default models; the GAN with --preset paper, torch_ref.py's algorithm), seconds, fastest of epochs 2..$epochs, best of $rounds interleaved rounds"
printf "%-5s %12s %12s %12s %12s %16s %16s\n" model "opencl" "java" "torch 1t" "torch 2t" "opencl/torch" "java/torch"
for model in vae gan; do
    cls=(); jvs=(); t1s=(); t2s=()
    for _ in $(seq "$rounds"); do
        cls+=("$(lcl_epoch "$model" auto)")
        t1s+=("$(torch_epoch "$model" 1)")
        jvs+=("$(lcl_epoch "$model" java)")
        t2s+=("$(torch_epoch "$model" 2)")
    done
    cl=$(best "${cls[@]}"); jv=$(best "${jvs[@]}"); t1=$(best "${t1s[@]}"); t2=$(best "${t2s[@]}")
    ratios=$(python3 - "$cl" "$jv" "$t1" "$t2" <<'PY' 2>/dev/null || echo "- -"
import sys
cl, jv, t1, t2 = (float(x) for x in sys.argv[1:])
best = min(t1, t2)
print(f"{cl / best:.2f} {jv / best:.2f}")
PY
)
    printf "%-5s %12s %12s %12s %12s %16s %16s\n" "$model" "$cl" "$jv" "$t1" "$t2" $ratios
    echo "      (each round: opencl ${cls[*]}; java ${jvs[*]}; torch 1t ${t1s[*]}; torch 2t ${t2s[*]})"
done
echo "(ratios against PyTorch's faster thread count; below 1 means LatentCL is faster)"
echo
fi

# What the default GAN preset costs beyond the 2014 GAN (issue 31's target: at most 1.15x its epoch).
if part preset; then
echo "The MLP GAN on Fashion-MNIST, default preset against --preset paper: seconds an epoch, fastest of epochs 2..$epochs, best of $rounds interleaved rounds"
printf "%-8s %12s %12s %16s\n" device default paper "default/paper"
for dev in auto java; do
    ds=(); ps=()
    for _ in $(seq "$rounds"); do
        ds+=("$(lcl_epoch gan "$dev" default)")
        ps+=("$(lcl_epoch gan "$dev" paper)")
    done
    d=$(best "${ds[@]}"); p=$(best "${ps[@]}")
    ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$d" "$p" 2>/dev/null || echo -)
    printf "%-8s %12s %12s %16s\n" "$dev" "$d" "$p" "$ratio"
    echo "         (each round: default ${ds[*]}; paper ${ps[*]})"
done
echo
fi

# The most images/s among metrics lines after the first (all of them when there is one).
best_rate() { python3 -c "
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip().startswith('{') and 'samples_per_s' in l]
rows = rows[1:] or rows
print(max(r['samples_per_s'] for r in rows))" 2>/dev/null || echo "-"; }

# Convolutional models on a subset of Fashion-MNIST's training images (a DCGAN epoch of 60,000 takes
# minutes): images per second of the fastest epoch after the first, both sides on the same first
# CONV_LIMIT images (LatentCL holds out 10% of a .npy for its test pass, so it trains on 90% of them).
if part conv; then
conv_limit=${CONV_LIMIT:-12800}
conv_epochs=${CONV_EPOCHS:-3}
/usr/bin/python3 - "$conv_limit" "$work/subset.npy" <<'PY' 2>/dev/null
import gzip, struct, sys
import numpy as np
raw = gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").read()
n, h, w = struct.unpack(">III", raw[4:16])
np.save(sys.argv[2], np.frombuffer(raw, np.uint8, offset=16).reshape(n, h, w)[: int(sys.argv[1])])
PY
lcl_rate() {  # device train-args...
    local dev=$1; shift
    lcl train "$@" --data "$work/subset.npy" --epochs "$conv_epochs" --device "$dev" --quiet --force --out "$work/conv-$dev" \
        > "$work/conv-$dev.log" 2>&1 && best_rate < "$work/conv-$dev/metrics.jsonl" || echo "-"
}
torch_rate() {  # model threads limit
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 ../shared/tools/torch_ref.py "$1" --epochs "$conv_epochs" \
        --threads "$2" --limit "$3" 2> "$work/torch-$1-$2.err" | best_rate || echo "-"
}
echo "Convolutional models, images/s (fastest of epochs 2..$conv_epochs, best of $rounds interleaved rounds; higher is better)"
printf "%-8s %8s %10s %10s %10s %10s %16s %16s\n" model images opencl java "torch 1t" "torch 2t" "opencl time/torch" "java time/torch"
for model in convvae dcgan; do
    if [ "$model" = convvae ]; then args=(vae --arch conv); n=$conv_limit; else args=(gan --arch dcgan); n=$((conv_limit / 5)); fi
    [ "$model" = dcgan ] && /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.load(sys.argv[1])[:$n])" "$work/subset.npy"
    cls=(); jvs=(); t1s=(); t2s=()
    for _ in $(seq "$rounds"); do
        cls+=("$(lcl_rate auto "${args[@]}")")
        t1s+=("$(torch_rate "$model" 1 "$((n * 9 / 10))")")
        jvs+=("$(lcl_rate java "${args[@]}")")
        t2s+=("$(torch_rate "$model" 2 "$((n * 9 / 10))")")
    done
    most() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x != '-']; print(max(v) if v else '-')" "$@"; }
    cl=$(most "${cls[@]}"); jv=$(most "${jvs[@]}"); t1=$(most "${t1s[@]}"); t2=$(most "${t2s[@]}")
    ratios=$(python3 - "$cl" "$jv" "$t1" "$t2" <<'PY' 2>/dev/null || echo "- -"
import sys
cl, jv, t1, t2 = (float(x) for x in sys.argv[1:])
best = max(t1, t2)
print(f"{best / cl:.2f} {best / jv:.2f}")
PY
)
    printf "%-8s %8s %10s %10s %10s %10s %16s %16s\n" "$model" "$n" "$cl" "$jv" "$t1" "$t2" $ratios
    echo "         (each round: opencl ${cls[*]}; java ${jvs[*]}; torch 1t ${t1s[*]}; torch 2t ${t2s[*]})"
done
echo "(time ratios per image against PyTorch's faster thread count; below 1 means LatentCL is faster)"
fi

# How cost grows with the image: the DCGAN (ngf = ndf = 64, batch 64) on random images of each size, LatentCL on
# the device auto picks and on Java, PyTorch on 1 and 2 threads (tools/dcgan-scale.py builds the same networks).
# Memory: LatentCL's device_peak_mib (the most its OpenCL buffers held at once, from metrics.jsonl; PoCL's are host
# memory), the peak resident set of each process (getrusage of the child: JVM heap and code included), and PyTorch's
# own peak RSS and what its step added to the RSS it had before building the networks.
if part scale; then
echo "DCGAN by image size, batch 64, ngf = ndf = 64: images/s of epoch 2 of 2 (random images; higher is better), peak memory in MiB"
printf "%-9s %6s %9s %9s %9s %9s %10s %11s %9s %9s %11s %10s\n" size images opencl java "torch 1t" "torch 2t" "cl time/t" "cl device" "cl rss" "java rss" "torch rss" "torch step"
peak_rss() { /usr/bin/python3 -c "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))" "$@"; }
for spec in ${SCALE_SIZES:-28:1:2560 32:3:1280 64:3:640 128:3:320}; do
    IFS=: read -r size ch n <<<"$spec"
    /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(1).integers(0, 256, ($n, $ch, $size, $size), dtype=np.uint8))" "$work/scale.npy"
    train=$((n * 9 / 10))  # LatentCL holds out 10% of a .npy for its test pass; PyTorch trains on as many
    lcl_scale() { peak_rss java -jar target/latentcl.jar train gan --arch dcgan --data "$work/scale.npy" --epochs 2 --device "$1" --quiet --force --out "$work/scale-$1"; }
    cl_rss=$(lcl_scale auto); cl=$(best_rate < "$work/scale-auto/metrics.jsonl")
    cl_dev=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1]).get('device_peak_mib', '-'))" "$work/scale-auto/metrics.jsonl" 2>/dev/null || echo -)
    jv_rss=$(lcl_scale java); jv=$(best_rate < "$work/scale-java/metrics.jsonl")
    t1=""; t2=""; trss=""; tstep=""
    for th in 1 2; do
        line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tools/dcgan-scale.py --size "$size" --channels "$ch" \
            --images "$train" --epochs 2 --threads "$th" 2>/dev/null | tail -1)
        rate=$(field samples_per_s <<<"$line")
        [ "$th" = 1 ] && t1=$rate || t2=$rate
        # The larger of the two runs' peaks, and of what their steps added.
        trss=$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(max(round(d['peak_rss_mib']), int(sys.argv[2] or 0)))" "$line" "${trss:-0}" 2>/dev/null || echo -)
        tstep=$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(max(round(d['peak_rss_mib'] - d['start_rss_mib']), int(sys.argv[2] or 0)))" "$line" "${tstep:-0}" 2>/dev/null || echo -)
    done
    ratio=$(python3 -c "import sys; print(f'{max(float(sys.argv[2]), float(sys.argv[3])) / float(sys.argv[1]):.2f}')" "$cl" "$t1" "$t2" 2>/dev/null || echo -)
    printf "%-9s %6s %9s %9s %9s %9s %10s %11s %9s %9s %11s %10s\n" "${ch}x${size}x${size}" "$train" "$cl" "$jv" "$t1" "$t2" "$ratio" "$cl_dev" "$cl_rss" "$jv_rss" "$trss" "$tstep"
done
echo "(cl time/t: LatentCL's time per image on OpenCL over PyTorch's at its faster thread count; cl device: the most its"
echo " OpenCL buffers held at once; rss: each process's peak resident set; torch step: PyTorch's RSS growth over the step)"
fi
rm -rf "$work"
