#!/usr/bin/env bash
# Fuzzes one reader of untrusted files with Jazzer (src/test/java/org/latentcl/fuzz/ReadersFuzzTest.java):
#   tools/fuzz.sh TARGET [SECONDS]      e.g. tools/fuzz.sh npy 600
# TARGET: safetensors npy idx idxGzip csv png jpeg cifar10 gemmTuning binaryCache. The test JVM gets a
# 512 MiB heap (an input of a few KiB that makes a reader allocate more is a finding), each input 10 s.
# Inputs that add coverage go to .cifuzz-corpus/ (not committed); an input that breaks the contract is
# saved under src/test/resources/org/latentcl/fuzz/ReadersFuzzTestInputs/TARGET/ and fails the run:
# fix the reader, keep the input there (mvn verify replays it), commit both. See docs/FUZZING.md.
set -euo pipefail
target=${1:?usage: tools/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}
cd "$(dirname "$0")/.."
JAZZER_FUZZ=1 exec mvn -B -q test -Dtest="ReadersFuzzTest#${target}" -DfailIfNoTests=false -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest.jvm.extra=-Xmx512m \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="${seconds}" -Djazzer.internal.arg.2=-timeout=10 \
  -Djazzer.internal.arg.3=-print_final_stats=1
