#!/usr/bin/env bash
# The runner's dual-GEMM self-tests on a GPU machine (nvcc and a GPU; no Node): builds the naive
# self-test kernel (runner/selftest_naive.cu) as a dual GEMM, D = silu(A·Bᵀ) ⊙ (A·B2ᵀ), in four
# variants and runs each on a few shapes, odd ones included:
#   nvfp4      e2m1 x ue4m3 per 16 K, bf16 out   every shape "pass"; K = 1032 (not a multiple of 16) "refused"
#   mxfp8      e4m3 x ue8m0 per 32 K, bf16 out   every shape "pass"; K = 1040 (not a multiple of 32) "refused"
#   bf16       bf16 x bf16, bf16 out             every shape "pass"
#   nvfp4_bug  nvfp4 with GK_SELFTEST_DUAL_SCALE_BUG (A·B2ᵀ scaled with sfb, not sfb2): every shape "fail"
# One line per run: PASS when the runner's verdict is the expected one, FAIL otherwise, then
# "N passed, N failed". Exit 0 when every run gave its expected verdict, 1 otherwise, 2 when a build
# failed or there is no GPU.
#
#   runner/selftest/dual_selftests.sh                 # sm_90a (H100 / H200)
#   runner/selftest/dual_selftests.sh sm_100a         # a cc 10.0 GPU (there the block-scaled cuBLASLt
#                                                     # baseline runs too: see its column)
#   runner/selftest/dual_selftests.sh sm_90a --build-only
# Environment: GK_DUAL_SELFTEST_DIR (binaries, logs and JSON; default build/dual_selftests), and what
# runner/build.sh reads (CUDA_HOME, GK_BASELINE). The baseline's numbers are printed, never judged.
set -uo pipefail

TARGET=sm_90a
BUILD_ONLY=0
for arg in "$@"; do
  case "$arg" in
    sm_90a|sm_100a) TARGET=$arg ;;
    --build-only) BUILD_ONLY=1 ;;
    *) echo "usage: $0 [sm_90a|sm_100a] [--build-only]" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
DIR=${GK_DUAL_SELFTEST_DIR:-build/dual_selftests}
mkdir -p "$DIR"

NVFP4="-DGK_SELFTEST_A=GK_E2M1 -DGK_SELFTEST_B=GK_E2M1 -DGK_SELFTEST_SCALE=GK_UE4M3 -DGK_SELFTEST_VEC=16 -DGK_SELFTEST_OUT=GK_BF16"
MXFP8="-DGK_SELFTEST_A=GK_E4M3 -DGK_SELFTEST_B=GK_E4M3 -DGK_SELFTEST_SCALE=GK_UE8M0 -DGK_SELFTEST_VEC=32 -DGK_SELFTEST_OUT=GK_BF16"
VARIANTS=(nvfp4 mxfp8 bf16 nvfp4_bug)
declare -A FLAGS=(
  [nvfp4]="-DGK_SELFTEST_DUAL $NVFP4"
  [mxfp8]="-DGK_SELFTEST_DUAL $MXFP8"
  [bf16]="-DGK_SELFTEST_DUAL -DGK_SELFTEST_A=GK_BF16 -DGK_SELFTEST_B=GK_BF16 -DGK_SELFTEST_OUT=GK_BF16"
  [nvfp4_bug]="-DGK_SELFTEST_DUAL -DGK_SELFTEST_DUAL_SCALE_BUG $NVFP4"
)
# "MxNxK:expected verdict". Block-scaled K: a multiple of the scale vector (and even for e2m1);
# 1040 = 65 scale columns of 16 and 1056 = 33 of 32, so the blocked layout's column padding is used;
# M = 200 and 130 are not whole 128-row atoms, N = 776 and 72 not whole 16-column tiles.
declare -A RUNS=(
  [nvfp4]="256x512x1024:pass 200x776x1024:pass 130x72x1040:pass 1x8x64:pass 128x128x1032:refused"
  [mxfp8]="256x512x1024:pass 200x776x1024:pass 130x72x1056:pass 1x8x64:pass 128x128x1040:refused"
  [bf16]="256x512x1024:pass 200x776x1024:pass 200x776x1000:pass 33x17x7:pass"
  [nvfp4_bug]="256x512x1024:fail 200x776x1024:fail 130x72x1040:fail"
)

# --- build every variant (in parallel; build.sh compiles each one's TUs in parallel too) ----------
pids=()
for v in "${VARIANTS[@]}"; do
  GK_NVCC_FLAGS="${FLAGS[$v]}" bash runner/build.sh runner/selftest_naive.cu "$DIR/dual_$v" "$TARGET" >"$DIR/build_$v.log" 2>&1 &
  pids+=($!)
done
build_failed=0
for i in "${!VARIANTS[@]}"; do
  v=${VARIANTS[$i]}
  if wait "${pids[$i]}"; then
    echo "built $DIR/dual_$v (${FLAGS[$v]})"
  else
    echo "BUILD FAILED: $v (${FLAGS[$v]}); log: $DIR/build_$v.log" >&2
    tail -n 30 "$DIR/build_$v.log" >&2
    build_failed=1
  fi
done
[[ $build_failed -eq 0 ]] || exit 2
[[ $BUILD_ONLY -eq 0 ]] || exit 0

probe_rc=0
"$DIR/dual_nvfp4" --probe >"$DIR/probe.json" 2>&1 || probe_rc=$?
if [[ $probe_rc -ne 0 ]]; then
  echo "no usable CUDA device (--probe exit $probe_rc):" >&2
  cat "$DIR/probe.json" >&2
  exit 2
fi
echo "device: $(cat "$DIR/probe.json")"

# One field of one result of the runner's pretty JSON: $1 file, $2 indent (6 spaces: the result's
# own fields; 8: its baseline's), $3 key. Strings lose their quotes; a missing field prints "-".
field() {
  local v
  v=$(sed -n "s/^$2\"$3\": \(.*\)\$/\1/p" "$1" | head -n 1)
  v=${v%,}
  v=${v#\"}
  v=${v%\"}
  echo "${v:--}"
}
I6='      '
I8='        '

passed=0
failed=0
for v in "${VARIANTS[@]}"; do
  for run in ${RUNS[$v]}; do
    shape=${run%%:*}
    want=${run##*:}
    json="$DIR/${v}_$shape.json"
    log="$DIR/${v}_$shape.log"
    rm -f "$json"
    rc=0
    "$DIR/dual_$v" --problem "$shape" --reps 5 --warmup 2 --json "$json" >"$log" 2>&1 || rc=$?
    if [[ -f "$json" ]]; then
      got=$(field "$json" "$I6" status)
    else
      got="no-json"
    fi
    # The runner's exit: 0 when every non-refused problem passed, 1 on a failure.
    want_rc=0
    [[ $want == fail ]] && want_rc=1
    if [[ $got == "$want" && $rc -eq $want_rc ]]; then
      verdict=PASS
      passed=$((passed + 1))
    else
      verdict=FAIL
      failed=$((failed + 1))
    fi
    detail="expected $want, got $got (exit $rc)"
    if [[ -f "$json" ]]; then
      detail+=" rel_err=$(field "$json" "$I6" rel_err) max_err=$(field "$json" "$I6" max_err) tol=$(field "$json" "$I6" tolerance)"
      detail+=" unwritten=$(field "$json" "$I6" unwritten)"
      msg=$(field "$json" "$I6" message)
      [[ $msg == - || $msg == null ]] || detail+=" message: $msg"
      bname=$(field "$json" "$I8" name)
      if [[ $bname != - ]]; then
        detail+=" | baseline $bname: us=$(field "$json" "$I8" us) rel_err=$(field "$json" "$I8" rel_err) max_err=$(field "$json" "$I8" max_err)"
      else
        bmsg=$(field "$json" "$I6" baseline_message)
        [[ $bmsg == - || $bmsg == null ]] || detail+=" | baseline: $bmsg"
      fi
    else
      detail+=" (no JSON; log: $log)"
    fi
    printf '%s %-10s %-14s %s\n' "$verdict" "$v" "$shape" "$detail"
  done
done

echo "dual self-tests ($TARGET): logs and JSON under $DIR"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
