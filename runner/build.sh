#!/usr/bin/env bash
# Builds the runner around one kernel file with nvcc only.
#   runner/build.sh <kernel.cu> <out-binary> [sm_90a|sm_100a]     (default sm_90a)
# Environment:
#   CUDA_HOME      toolkit root (default: found from `which nvcc`)
#   GK_BASELINE    cublas | none   (default: cublas when its headers and libraries exist)
#   GK_NVCC_FLAGS  extra flags for every nvcc call, e.g. "-DGK_SELFTEST_A=GK_E4M3 -lineinfo"
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <kernel.cu> <out-binary> [sm_90a|sm_100a]" >&2
  exit 2
fi
KERNEL=$1
OUT=$2
TARGET=${3:-sm_90a}
RUNNER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case "$TARGET" in
  sm_90a) GENCODE="-gencode=arch=compute_90a,code=sm_90a"; BUILD_SM=90 ;;
  sm_100a) GENCODE="-gencode=arch=compute_100a,code=sm_100a"; BUILD_SM=100 ;;
  *) echo "build.sh: unknown target '$TARGET' (sm_90a or sm_100a)" >&2; exit 2 ;;
esac
[[ -f "$KERNEL" ]] || { echo "build.sh: no such kernel file: $KERNEL" >&2; exit 2; }

# --- the toolkit ---------------------------------------------------------------------------
if [[ -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then
  NVCC="$CUDA_HOME/bin/nvcc"
else
  NVCC=$(command -v nvcc || true)
  [[ -n "$NVCC" || ! -x /usr/local/cuda/bin/nvcc ]] || NVCC=/usr/local/cuda/bin/nvcc
  [[ -n "$NVCC" ]] || { echo "build.sh: nvcc not found (put it on PATH or set CUDA_HOME)" >&2; exit 2; }
  CUDA_HOME=$(cd "$(dirname "$(readlink -f "$NVCC")")/.." && pwd)
  if [[ ! -f "$CUDA_HOME/include/cuda_runtime.h" ]]; then
    # nvcc on PATH may be a wrapper script: ask nvcc itself where its toolkit is.
    TOP=$("$NVCC" --dryrun -c -x cu /dev/null -o /dev/null 2>&1 | sed -n 's/^#\$ TOP=//p' | head -n1)
    [[ -n "$TOP" ]] && CUDA_HOME=$(cd "$TOP" 2>/dev/null && pwd || echo "$CUDA_HOME")
  fi
fi

find_first() {  # find_first <file> <dir>...: prints the first dir that holds file
  local f=$1; shift
  local d
  for d in "$@"; do
    if compgen -G "$d/$f" >/dev/null; then echo "$d"; return 0; fi
  done
  return 1
}
CUBLAS_INC=$(find_first cublas_v2.h "$CUDA_HOME/include" "$CUDA_HOME"/targets/*/include || true)
CUBLAS_LIB=$(find_first 'libcublasLt.so*' "$CUDA_HOME/lib64" "$CUDA_HOME/lib" "$CUDA_HOME"/targets/*/lib || true)

BASELINE=${GK_BASELINE:-}
if [[ -z "$BASELINE" ]]; then
  if [[ -n "$CUBLAS_INC" && -f "$CUBLAS_INC/cublasLt.h" && -n "$CUBLAS_LIB" ]]; then BASELINE=cublas; else BASELINE=none; fi
fi
case "$BASELINE" in
  cublas)
    [[ -n "$CUBLAS_INC" && -n "$CUBLAS_LIB" ]] || { echo "build.sh: GK_BASELINE=cublas but no cuBLAS under $CUDA_HOME" >&2; exit 2; }
    BASELINE_SRC="$RUNNER_DIR/baseline_cublas.cu"
    LINK_LIBS=(-L"$CUBLAS_LIB" -lcublasLt -lcublas -Xlinker -rpath -Xlinker "$CUBLAS_LIB") ;;
  none)
    BASELINE_SRC="$RUNNER_DIR/baseline_none.cu"
    LINK_LIBS=() ;;
  *) echo "build.sh: GK_BASELINE must be cublas or none" >&2; exit 2 ;;
esac
echo "build.sh: CUDA_HOME=$CUDA_HOME target=$TARGET baseline=$BASELINE"

# --- compile every TU (in parallel), then link -----------------------------------------------
# shellcheck disable=SC2206
EXTRA=(${GK_NVCC_FLAGS:-})
FLAGS=("$GENCODE" -std=c++17 -O3 -I "$RUNNER_DIR/include" -DGK_BUILD_SM=$BUILD_SM "${EXTRA[@]}")
SOURCES=("$KERNEL" "$RUNNER_DIR/main.cu" "$RUNNER_DIR/problem.cu" "$RUNNER_DIR/timing.cu"
         "$RUNNER_DIR/random_fill.cu" "$RUNNER_DIR/reference.cu" "$RUNNER_DIR/compare.cu"
         "$RUNNER_DIR/device.cu" "$RUNNER_DIR/report.cu" "$RUNNER_DIR/grouped.cu" "$BASELINE_SRC")

mkdir -p "$(dirname "$OUT")"
OBJDIR=$(mktemp -d "$(dirname "$OUT")/.gk-build.XXXXXX")
trap 'rm -rf "$OBJDIR"' EXIT

pids=(); objs=(); logs=()
for i in "${!SOURCES[@]}"; do
  src=${SOURCES[$i]}
  obj="$OBJDIR/$i-$(basename "${src%.*}").o"
  log="$OBJDIR/$i.log"
  echo "+ $NVCC ${FLAGS[*]} -c $src -o $obj"
  "$NVCC" "${FLAGS[@]}" -c "$src" -o "$obj" >"$log" 2>&1 &
  pids+=($!); objs+=("$obj"); logs+=("$log")
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "build.sh: compiling ${SOURCES[$i]} failed:" >&2
    failed=1
  fi
  cat "${logs[$i]}" >&2
done
[[ $failed -eq 0 ]] || exit 1

echo "+ $NVCC $GENCODE ${EXTRA[*]} -o $OUT ${objs[*]} ${LINK_LIBS[*]}"
"$NVCC" "$GENCODE" "${EXTRA[@]}" -o "$OUT" "${objs[@]}" "${LINK_LIBS[@]}"
echo "build.sh: built $OUT"
