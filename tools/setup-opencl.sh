#!/usr/bin/env bash
# Installs an OpenCL runtime for LatentCL on Debian or Ubuntu: PoCL (OpenCL on the CPU), the
# ICD loader, and ocl-icd-opencl-dev, whose libOpenCL.so link JOCL needs to load OpenCL; and
# Oclgrind, the OpenCL simulator that runs the GPU-style kernels with race and memory checks
# (`selftest --device oclgrind`), registered with the ICD loader (its package registers nothing).
# Safe to run again: it installs only what is missing. GPU drivers come from the vendors (below).
set -euo pipefail

packages=(pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev clinfo oclgrind)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-opencl: ${packages[*]} already installed"
else
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup-opencl: apt-get not found; install PoCL and an OpenCL ICD loader with your package manager" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup-opencl: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# Oclgrind ships an ICD library but no .icd file, so the loader does not see it until one exists.
oclgrind_icd=$(dpkg -L oclgrind 2>/dev/null | grep -m1 'liboclgrind-rt-icd\.so$' || true)
if [ -n "$oclgrind_icd" ] && [ ! -f /etc/OpenCL/vendors/oclgrind.icd ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo mkdir -p /etc/OpenCL/vendors
    echo "$oclgrind_icd" | $sudo tee /etc/OpenCL/vendors/oclgrind.icd >/dev/null
    echo "setup-opencl: registered Oclgrind ($oclgrind_icd) in /etc/OpenCL/vendors/oclgrind.icd"
fi

if command -v clinfo >/dev/null 2>&1; then
    clinfo -l || true
fi

cat <<'MSG'
setup-opencl: PoCL runs LatentCL's kernels on this machine's CPU. For a GPU, add its vendor's driver:
  NVIDIA  the proprietary driver ships OpenCL (libnvidia-opencl.so.1, ICD file nvidia.icd);
          on Debian/Ubuntu: nvidia-opencl-icd (Debian) or nvidia-driver-NNN (Ubuntu)
  AMD     ROCm's OpenCL runtime (rocm-opencl-runtime) or mesa-opencl-icd (rusticl)
  Intel   intel-opencl-icd (the compute runtime for Intel GPUs)
Then run: java -jar target/latentcl.jar devices
MSG
