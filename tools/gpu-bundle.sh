#!/usr/bin/env bash
# Builds a self-contained LatentCL bundle for a Linux x86-64 machine without Java: a jlink runtime,
# the jar, the OpenCL ICD loader (from Debian's ocl-icd-libopencl1), and a start script that finds
# the vendor's OpenCL driver (for NVIDIA, libnvidia-opencl.so.1, through an ICD file it writes when
# the machine has none). The result, target/gpu-bundle/, is about 53 MB.
#
#   tools/gpu-bundle.sh            build target/gpu-bundle
#   target/gpu-bundle/latentcl devices
#   target/gpu-bundle/gpu-check.sh  (devices, selftest, GEMM benchmarks, a VAE and a GAN epoch)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/gpu-bundle

mvn -B -q package -DskipTests
rm -rf "$out"
mkdir -p "$out/lib"

jlink --add-modules java.base,java.logging,java.desktop,jdk.unsupported,jdk.incubator.vector \
      --strip-debug --compress=2 --no-header-files --no-man-pages --output "$out/runtime"
cp target/latentcl.jar "$out/"

# The ICD loader, unpacked from its Debian package (no root needed).
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1) || {
    echo "gpu-bundle: cannot download ocl-icd-libopencl1 (run 'apt-get update' first?)" >&2; exit 1; }
dpkg-deb -x "$tmp"/ocl-icd-libopencl1_*.deb "$tmp/x"
cp -P "$tmp"/x/usr/lib/*/libOpenCL.so* "$out/lib/"
ln -sf libOpenCL.so.1 "$out/lib/libOpenCL.so"
rm -rf "$tmp"

cat > "$out/latentcl" <<'SCRIPT'
#!/usr/bin/env bash
# Starts LatentCL with the bundled Java runtime and ICD loader. OpenCL drivers are found through
# /etc/OpenCL/vendors; where a machine has an NVIDIA driver but no ICD file for it (containers often
# do), this script writes one for libnvidia-opencl.so.1 and points the loader at it.
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${OCL_ICD_VENDORS:-}" ] && ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
    nv=""
    for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia/current; do
        if [ -e "$d/libnvidia-opencl.so.1" ]; then nv="$d/libnvidia-opencl.so.1"; break; fi
    done
    if [ -z "$nv" ] && command -v ldconfig >/dev/null 2>&1; then
        nv=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/ {print $NF; exit}')
    fi
    if [ -n "$nv" ]; then
        vendors=$(mktemp -d)
        echo "$nv" > "$vendors/nvidia.icd"
        export OCL_ICD_VENDORS="$vendors"
    fi
fi
exec "$here/runtime/bin/java" -jar "$here/latentcl.jar" "$@"
SCRIPT
chmod +x "$out/latentcl"

cat > "$out/gpu-check.sh" <<'SCRIPT'
#!/usr/bin/env bash
# Everything issue 8 asks of a GPU, in one command; writes its output to the directory given
# (default: ./gpu-check-results).
here=$(cd "$(dirname "$0")" && pwd)
res=${1:-gpu-check-results}
mkdir -p "$res"
lcl="$here/latentcl"
{
    echo "== nvidia-smi"; nvidia-smi 2>&1 | head -15
    echo "== OpenCL driver files"; ls -l /etc/OpenCL/vendors 2>&1; ldconfig -p 2>/dev/null | grep -i opencl
    echo "== devices"; "$lcl" devices
    echo "== selftest (the GPU kernels, then the CPU ones on the same device)"; "$lcl" selftest --device auto --kernels all
    for s in 128x400x784:NT 128x784x400:NN 400x784x128:TN 1024x1024x1024:NN 4096x4096x4096:NN; do
        echo "== bench gemm $s"; "$lcl" bench gemm --device auto --shape "${s%%:*}" --trans "${s##*:}" --repeat 10 --json
    done
    echo "== VAE, 3 epochs on the embedded digits"; "$lcl" train vae --epochs 3 --profile --out "$res/vae" --force
    echo "== GAN, 1 epoch on the embedded digits"; "$lcl" train gan --epochs 1 --out "$res/gan" --force
} 2>&1 | tee "$res/gpu-check.txt"
SCRIPT
chmod +x "$out/gpu-check.sh"

du -sh "$out" | awk '{print "gpu-bundle: " $1 " in '"$out"'"}'
