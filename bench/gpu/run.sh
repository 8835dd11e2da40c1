#!/usr/bin/env bash
# The GPU benchmark, run on the GPU machine from the repository root: nvidia-smi, the published C# bench
# (bench/gpu/out, made by bench/gpu/publish.sh), then the PyTorch peers (bench/gpu/peers.py). A failing C# bench
# does not stop the peers; the exit status is non-zero when either failed. Output is also copied to $OUT/run.log,
# and both write their CSV under $OUT when it is set. Each part has a time limit, so the whole stays under 8 minutes.
# `--no-peers` runs the C# bench alone (the peers do not change with KernelGen's kernels).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ -n "${OUT:-}" ]]; then
  exec > >(tee "$OUT/run.log") 2>&1
fi

echo "== nvidia-smi"
nvidia-smi --query-gpu=name,driver_version,compute_cap,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,power.limit --format=csv ||
  echo "nvidia-smi failed"
# The maximum SM clock: the peers' FP32 peak uses it, the C# bench only when ILGPU reports no clock.
max_sm_clock_mhz=$(nvidia-smi --query-gpu=clocks.max.sm --format=csv,noheader,nounits 2>/dev/null | head -n 1 | tr -d ' ' || true)
clock_arguments=()
if [[ "$max_sm_clock_mhz" =~ ^[0-9]+$ ]]; then
  clock_arguments=(--sm-clock-mhz "$max_sm_clock_mhz")
fi

echo
echo "== KernelGen (C#, ILGPU), at most 280 s"
# Inside the tree rather than in /tmp, which may be mounted noexec; git-ignored, removed on exit.
work=$(mktemp -d "$PWD/bench/gpu/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
bench_status=0
if [[ ! -f bench/gpu/out/KernelGen.GpuBench ]]; then
  echo "bench/gpu/out/KernelGen.GpuBench is missing: run bash bench/gpu/publish.sh and carry bench/gpu/out"
  bench_status=127
else
  # A private, executable copy: the carried file may have lost its mode. ILGPU opens the CUDA driver as
  # libcuda.so, which a driver-only install may not have (only libcuda.so.1): link it when needed.
  install -m 755 bench/gpu/out/KernelGen.GpuBench "$work/"
  if ! python3 -c 'import ctypes; ctypes.CDLL("libcuda.so")' 2>/dev/null; then
    libcuda=$(python3 -c 'import ctypes; ctypes.CDLL("libcuda.so.1"); print(next(line.split()[-1] for line in open("/proc/self/maps") if "libcuda.so" in line))' 2>/dev/null || true)
    if [[ -n "$libcuda" ]]; then
      mkdir -p "$work/lib"
      ln -s "$libcuda" "$work/lib/libcuda.so"
      export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      echo "linked $work/lib/libcuda.so -> $libcuda"
    fi
  fi
  DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" timeout --kill-after=10 280 \
    "$work/KernelGen.GpuBench" "${clock_arguments[@]}" || bench_status=$?
fi

echo
echo "== PyTorch peers, at most 180 s"
peers_status=0
if [[ "${1:-}" == "--no-peers" ]]; then
  echo "skipped (--no-peers)"
elif python3 -c "import torch" 2>/dev/null; then
  timeout --kill-after=10 180 python3 bench/gpu/peers.py "${clock_arguments[@]}" || peers_status=$?
else
  echo "python3 cannot import torch: peers skipped"
fi

echo
echo "== exit status: C# bench $bench_status, peers $peers_status (124: timed out)"
if ((bench_status != 0 || peers_status != 0)); then
  exit 1
fi
