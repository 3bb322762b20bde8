#!/usr/bin/env bash
# Device check on an NVIDIA machine without a JDK or network. Run from the folder prepare-gpu-check.sh made
# (runtime/, apps.jar, optionally ocl-icd-libopencl1_*.deb). Reports OpenCL platforms and devices, which
# matrix product the engine picks (fp32 or 3xTF32 tensor cores) and why, checks and times every build of it at
# Experiment 2's shapes, times each strategy of the three paper experiments at paper size and estimates the
# whole protocol from that (eqaug.tornado.GpuCheck), and times torch.mm (float32, TF32 off) at the same
# shapes when python3 with torch exists. Usage: ./gpu-check.sh [P:D]   (default: the first GPU)
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
java="$dir/runtime/bin/java"
[ -x "$java" ] || { echo "gpu-check: no runtime at $dir/runtime (run prepare-gpu-check.sh first)" >&2; exit 2; }
[ -f "$dir/apps.jar" ] || { echo "gpu-check: no apps.jar in $dir" >&2; exit 2; }

# The ICD loader: use the machine's libOpenCL.so.1, else the unpacked Debian package.
if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL.so.1'; then
  deb="$(ls "$dir"/ocl-icd-libopencl1_*.deb 2>/dev/null | head -1)"
  if [ -n "$deb" ]; then
    mkdir -p "$dir/ocl-icd" && (cd "$dir/ocl-icd" && ar x "$deb" && tar xf data.tar.* )
    export LD_LIBRARY_PATH="$(dirname "$(find "$dir/ocl-icd" -name 'libOpenCL.so.1*' | head -1)")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "using the ICD loader from $deb"
  else
    echo "gpu-check: libOpenCL.so.1 is missing and no ocl-icd-libopencl1 .deb is here" >&2
  fi
fi
# The NVIDIA ICD: when no vendor file is configured, write one naming the driver library by absolute path.
if [ -z "${OCL_ICD_VENDORS:-}" ] && ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
  nv="$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/{print $NF; exit}')"
  [ -n "$nv" ] || nv="$(find / -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)"
  if [ -n "$nv" ]; then
    mkdir -p "$dir/vendors" && echo "$nv" > "$dir/vendors/nvidia.icd"
    export OCL_ICD_VENDORS="$dir/vendors"
    echo "OCL_ICD_VENDORS=$OCL_ICD_VENDORS ($nv)"
  else
    echo "gpu-check: no .icd file and no libnvidia-opencl.so.1 found" >&2
  fi
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
echo "== devices"
"$java" "${opts[@]}" -jar "$dir/apps.jar" devices 2>&1 | grep -v 'incubator'
echo "== kernel checks and timings"
"$java" "${opts[@]}" -cp "$dir/apps.jar" eqaug.tornado.GpuCheck "$@" 2>&1 | grep -v 'incubator' | tee "$dir/gpu-check.out"
rc=${PIPESTATUS[0]}

if command -v python3 >/dev/null && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "== torch.mm float32 (allow_tf32 = False), same shapes"
  python3 - "$dir/gpu-check.out" <<'PY'
import re, sys, time, torch
torch.backends.cuda.matmul.allow_tf32 = False
ours = {}
for line in open(sys.argv[1]):
    m = re.match(r"gemm (.{48}) +([0-9.]+) ms", line)
    if m:
        ours[m.group(1).strip()] = float(m.group(2))
shapes = []
for r in (2000, 250):
    shapes += [(f"forward  Y = X W^T  ({r}x6272 . 6272x6272^T)", r, 6272, 6272, False, True),
               (f"backward dX = dY W  ({r}x6272 . 6272x6272)", r, 6272, 6272, False, False),
               (f"backward dW += dY^T X (6272x{r} . {r}x6272)", 6272, 6272, r, True, False),
               (f"forward  rho1        ({r}x196 . 6272x196^T)", r, 6272, 196, False, True)]
for name, m, n, k, ta, tb in shapes:
    a = torch.rand((k, m) if ta else (m, k), device="cuda", dtype=torch.float32)
    b = torch.rand((n, k) if tb else (k, n), device="cuda", dtype=torch.float32)
    A = a.t() if ta else a
    B = b.t() if tb else b
    for _ in range(3):
        torch.mm(A, B)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(10):
        torch.mm(A, B)
    torch.cuda.synchronize()
    ms = (time.perf_counter() - t) * 100
    o = ours.get(name)
    ratio = f"  eqaug/torch = {o / ms:.2f}" if o else ""
    print(f"torch.mm {name:48s} {ms:9.3f} ms  {2*m*n*k/ms/1e6:8.1f} GFLOP/s{ratio}")
PY
else
  echo "(no python3 with CUDA torch: torch.mm comparison skipped)"
fi
exit $rc
