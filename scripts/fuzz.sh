#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with Debian's clang (ASan + UBSan) into build-fuzz/ and
# runs each one after the other for the given seconds (default 600) on a scratch copy of its
# seed corpus; prints executions, exec/s, coverage and the outcome per target, and exits
# non-zero when a target crashed, naming the saved input. CTest runs it for 20 s per target.
#   scripts/fuzz.sh [seconds-per-target] [target...]    targets: csv command_json sync_push
# Environment: LINEDESK_FUZZ_SEED (default 1; 0 lets libFuzzer pick one),
# LINEDESK_FUZZ_JOBS (build jobs, default 2), LINEDESK_FUZZ_BUILD (default build-fuzz).
# Installs nothing: emsdk-setup.sh provides clang and its fuzzer runtime.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

seconds="${1:-600}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(csv command_json sync_push)
seed="${LINEDESK_FUZZ_SEED:-1}"
jobs="${LINEDESK_FUZZ_JOBS:-2}"
build="${LINEDESK_FUZZ_BUILD:-$repo/build-fuzz}"

die() {
  echo "fuzz.sh: $*" >&2
  exit 2
}

[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "seconds must be a positive integer, not '$seconds'"
for t in "${targets[@]}"; do
  [ -d "fuzz/corpus/$t" ] || die "unknown target '$t' (csv, command_json, sync_push)"
done

command -v clang++ >/dev/null 2>&1 ||
  die "clang++ not found: run ./emsdk-setup.sh (it installs Debian's clang and libclang-rt-14-dev)"
for tool in cmake ninja; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run ./emsdk-setup.sh"
done
# Linking a trivial target proves the fuzzer and sanitizer runtimes are there.
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>"$probe/err"; then
  cat "$probe/err" >&2
  die "clang++ cannot link a libFuzzer target with ASan and UBSan: the runtime (libclang_rt.fuzzer-x86_64.a, package libclang-rt-14-dev) is missing; run ./emsdk-setup.sh"
fi

echo "fuzz.sh: building $build"
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null || die "cmake configure failed"
cmake --build "$build" -j "$jobs" >"$build/build.log" 2>&1 || {
  tail -n 40 "$build/build.log" >&2
  die "build failed (log: $build/build.log)"
}

dict_for() {
  case "$1" in
    csv) echo "fuzz/csv.dict" ;;
    *) echo "fuzz/json.dict" ;;
  esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summary=()
for t in "${targets[@]}"; do
  run="$build/runs/$t"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  # The committed seeds are copied: libFuzzer writes new inputs into the corpus folder.
  cp "fuzz/corpus/$t"/* "$run/corpus/"
  echo "fuzz.sh: $t for ${seconds}s (seed $seed, log $run/log)"
  "$build/${t}_fuzz" -max_total_time="$seconds" -seed="$seed" -rss_limit_mb=2048 \
    -max_len=65536 -timeout=10 -dict="$(dict_for "$t")" -print_final_stats=1 \
    -artifact_prefix="$run/artifacts/" "$run/corpus" >"$run/log" 2>&1
  rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log" | tail -n 1)"
  cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$run/log" | tail -n 1)"
  # libFuzzer's "corp: inputs/size" of the last status line: the corpus it keeps in memory.
  corp="$(grep -oE 'corp: [0-9]+/[0-9]+[A-Za-z]*' "$run/log" | tail -n 1)"
  line="$t: ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-cov: ?}, ${corp:-corp: ?}"
  if [ "$rc" -eq 0 ]; then
    line="$line, no crash"
  else
    failed=1
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$run/log" | tail -n 1)"
    line="$line, CRASH (exit $rc): input ${artifact:-not saved, see $run/log}"
    echo "---- $t failure (from $run/log) ----"
    grep -E 'FUZZ_CHECK|ERROR: |runtime error|terminate called|what\(\)|SUMMARY' "$run/log" | head -n 8
    [ -n "$artifact" ] && echo "reproduce: $build/${t}_fuzz $artifact"
  fi
  echo "$line"
  summary+=("$line")
done

echo "fuzz.sh: summary (${seconds}s per target, seed $seed)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
