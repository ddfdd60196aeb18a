#!/usr/bin/env bash
# Installs an OpenCL runtime for LatentCL on Debian or Ubuntu: PoCL (OpenCL on the CPU), the
# ICD loader, and ocl-icd-opencl-dev, whose libOpenCL.so link JOCL needs to load OpenCL; and
# Oclgrind, the OpenCL simulator that runs the GPU-style kernels with race and memory checks
# (`selftest --device oclgrind`), registered with the ICD loader (its package registers nothing).
# Safe to run again: it installs only what is missing. GPU drivers come from the vendors (below).
set -euo pipefail

bash "$(dirname "$0")/apt-missing.sh" setup-opencl "install PoCL and an OpenCL ICD loader with your package manager" \
    pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev clinfo oclgrind

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
