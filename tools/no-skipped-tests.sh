#!/usr/bin/env bash
# Fails when the test reports under the given directories (default: the surefire and failsafe reports
# of the core, target/, and of the Spark module, spark/target/) show a skipped test, or show no tests at all. CI runs it after README's
# test command, so a run cannot pass by skipping what it was meant to check (for example every
# OpenCL test on a machine where OpenCL failed to install).
set -euo pipefail
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(target/surefire-reports target/failsafe-reports spark/target/surefire-reports spark/target/failsafe-reports)
total=0; skipped=0; names=""
for d in "${dirs[@]}"; do
    for f in "$d"/TEST-*.xml; do
        [ -e "$f" ] || continue
        # The <testsuite ...> start tag carries tests="N" and skipped="N".
        head=$(grep -m1 -o '<testsuite [^>]*>' "$f")
        t=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$head")
        s=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$head")
        total=$((total + ${t:-0})); skipped=$((skipped + ${s:-0}))
        if [ "${s:-0}" -gt 0 ]; then
            names="$names $(basename "$f" .xml | sed 's/^TEST-//') ($s)"
        fi
    done
done
if [ "$total" -eq 0 ]; then
    echo "no-skipped-tests: no test reports under ${dirs[*]}: the tests did not run" >&2
    exit 1
fi
if [ "$skipped" -gt 0 ]; then
    echo "no-skipped-tests: $skipped of $total tests were skipped:$names" >&2
    exit 1
fi
echo "no-skipped-tests: $total tests ran, none skipped"
