#!/usr/bin/env bash
# Builds a self-contained LatentCL bundle for a Linux x86-64 machine without Java: a jlink runtime,
# the jar, the OpenCL ICD loader (from Debian's ocl-icd-libopencl1), the font libraries and a font for
# the charts, and a start script that finds the vendor's OpenCL driver (for NVIDIA, libnvidia-opencl.so.1,
# through an ICD file it writes when no file names it). The result, target/gpu-bundle/, is about 59 MB.
#
#   tools/gpu-bundle.sh            build target/gpu-bundle
#   target/gpu-bundle/latentcl devices
#   target/gpu-bundle/gpu-check.sh  (devices, selftest, GEMM and conv tuning and benchmarks, a VAE and a GAN epoch)
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

# Drawing the charts' text needs libfontmanager's libraries, fontconfig and one font, which minimal machines (the
# GPU machines these bundles are for) lack: without them loss.png is skipped with a warning. Copied from this machine.
for l in $(ldd "$out/runtime/lib/libfontmanager.so" | awk '/=> \// && !/gpu-bundle\/runtime/ {print $3}'); do
    case "$(basename "$l")" in
        libc.so*|libm.so*|libstdc++*|libgcc_s*|ld-linux*|libz.so*) ;;
        *) cp -L "$l" "$out/lib/" ;;
    esac
done
cp -L /usr/lib/x86_64-linux-gnu/libfontconfig.so.1 /usr/lib/x86_64-linux-gnu/libexpat.so.1 "$out/lib/" 2>/dev/null ||
    echo "gpu-bundle: no libfontconfig.so.1 here: charts will be skipped where the machine has none" >&2
for l in $(ldd "$out"/lib/lib{harfbuzz,freetype}.so.* 2>/dev/null | awk '/=> \// {print $3}' | sort -u); do
    case "$(basename "$l")" in
        libc.so*|libm.so*|libstdc++*|libgcc_s*|ld-linux*|libz.so*) ;;
        *) [ -e "$out/lib/$(basename "$l")" ] || cp -L "$l" "$out/lib/" ;;
    esac
done
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -e "$font" ]; then
    mkdir -p "$out/runtime/lib/fonts" && cp "$font" "$out/runtime/lib/fonts/"
else
    echo "gpu-bundle: no $font (Debian's fonts-dejavu-core): charts will be skipped where the machine has no fonts" >&2
fi

cat > "$out/latentcl" <<'SCRIPT'
#!/usr/bin/env bash
# Starts LatentCL with the bundled Java runtime and ICD loader. OpenCL drivers are found through
# /etc/OpenCL/vendors; where a machine has an NVIDIA driver but no ICD file naming it (containers often
# do, some with PoCL's file alone), this script writes one for libnvidia-opencl.so.1 beside copies of the
# others and points the loader at them.
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${OCL_ICD_VENDORS:-}" ] && ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
    nv=""
    for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia/current; do
        if [ -e "$d/libnvidia-opencl.so.1" ]; then nv="$d/libnvidia-opencl.so.1"; break; fi
    done
    if [ -z "$nv" ] && command -v ldconfig >/dev/null 2>&1; then
        nv=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/ {print $NF; exit}')
    fi
    if [ -n "$nv" ]; then
        vendors=$(mktemp -d)
        cp /etc/OpenCL/vendors/*.icd "$vendors/" 2>/dev/null
        echo "$nv" > "$vendors/nvidia.icd"
        export OCL_ICD_VENDORS="$vendors"
    fi
fi
# Java finds fonts through fontconfig; a machine without its configuration gets one naming the bundled font.
if [ -z "${FONTCONFIG_FILE:-}" ] && [ ! -e /etc/fonts/fonts.conf ]; then
    fc=$(mktemp -d)
    printf '<?xml version="1.0"?>\n<fontconfig><dir>%s</dir><cachedir>%s</cachedir></fontconfig>\n' \
        "$here/runtime/lib/fonts" "$fc/cache" > "$fc/fonts.conf"
    export FONTCONFIG_FILE="$fc/fonts.conf"
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
    echo "== tune the GEMM launch shapes (later runs use them)"; "$lcl" bench gemm --device auto --tune
    echo "== the convolutions: im2col + GEMM against the implicit GEMM; store where it wins (later runs use it)"
    "$lcl" bench conv --device auto --tune
    for s in 128x400x784:NT 128x784x400:NN 400x784x128:TN 1024x1024x1024:NN 4096x4096x4096:NN; do
        echo "== bench gemm $s"; "$lcl" bench gemm --device auto --shape "${s%%:*}" --trans "${s##*:}" --repeat 10 --json
    done
    echo "== VAE, 3 epochs on the embedded digits"; "$lcl" train vae --epochs 3 --profile --out "$res/vae" --force
    echo "== GAN, 1 epoch on the embedded digits"; "$lcl" train gan --epochs 1 --out "$res/gan" --force
} 2>&1 | tee "$res/gpu-check.txt"
SCRIPT
chmod +x "$out/gpu-check.sh"

du -sh "$out" | awk '{print "gpu-bundle: " $1 " in '"$out"'"}'
