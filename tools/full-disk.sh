#!/usr/bin/env bash
# A real full disk (needs root: it mounts a 12 MiB tmpfs, with LatentCL's cache on it too) and the
# built jar, as a user runs it. Checks, and prints, that:
#   1. train vae whose second epoch no longer fits stops with exit 2 and one line naming the file
#      and "No space left on device", and leaves epoch 1's files byte for byte as they were;
#   2. a command that succeeds on the nearly full disk exits 0 although the JVM's start-up archive
#      cannot be written there;
#   3. sample into a disk with no byte left exits 2 with one line, leaving no file or .tmp behind;
#   4. train onto the same file system mounted read-only exits 2 with one line.
# The test suite checks the same with a file-size limit instead (FullDiskIT), which needs no root.
#   tools/full-disk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/latentcl.jar ] || mvn -B -q package -DskipTests
mnt=$(mktemp -d)
mount -t tmpfs -o size=12m tmpfs "$mnt"
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
export LATENTCL_CACHE="$mnt/cache"
unset LATENTCL_CDS
fail() { echo "full-disk: FAILED: $*" >&2; exit 1; }
run() { # run NAME ARGS...: the jar's exit code, stdout and stderr in $mnt/../NAME.*
    local name=$1; shift
    set +e; java -jar target/latentcl.jar "$@" >"/tmp/full-disk.$name.out" 2>"/tmp/full-disk.$name.err"; echo $? >"/tmp/full-disk.$name.rc"; set -e
    echo "== $name: exit $(cat "/tmp/full-disk.$name.rc"); stderr:"; sed 's/^/   /' "/tmp/full-disk.$name.err"
}
errors() { grep -v '^INFO ' "/tmp/full-disk.$1.err" | grep -c . || true; }

java -jar target/latentcl.jar train vae --device java --epochs 1 --out "$mnt/run" --quiet >/dev/null 2>&1 || true
[ -f "$mnt/run/checkpoint.safetensors" ] || fail "epoch 1 did not save on an empty disk"
before=$(cd "$mnt/run" && md5sum ./*)
df -k "$mnt" | tail -1 | awk '{print "after epoch 1: " $4 " KiB free"}'

run resume train vae --resume "$mnt/run" --epochs 2 --device java --quiet
[ "$(cat /tmp/full-disk.resume.rc)" = 2 ] || fail "resume on a full disk: exit $(cat /tmp/full-disk.resume.rc), not 2"
[ "$(errors resume)" = 1 ] || fail "resume on a full disk: not one error line"
grep -q "No space left on device. The run stopped in epoch 2. The checkpoint from the end of epoch 1 is intact" /tmp/full-disk.resume.err \
    || fail "resume on a full disk: the line does not say what happened and what is intact"
[ "$before" = "$(cd "$mnt/run" && md5sum ./*)" ] || fail "epoch 1's files changed"

run sample sample --checkpoint "$mnt/run/checkpoint.safetensors" --out "$mnt/a.png" --device java
[ "$(cat /tmp/full-disk.sample.rc)" = 0 ] || fail "sample with room for its picture: exit $(cat /tmp/full-disk.sample.rc)"
[ "$(errors sample)" = 0 ] || fail "sample with room for its picture printed errors"
[ -z "$(ls "$LATENTCL_CACHE/cds" 2>/dev/null)" ] || fail "a start-up archive was kept on a disk it did not fit on"

dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null || true
df -k "$mnt" | tail -1 | awk '{print "after filling: " $4 " KiB free"}'
run full sample --checkpoint "$mnt/run/checkpoint.safetensors" --out "$mnt/b.png" --device java
[ "$(cat /tmp/full-disk.full.rc)" = 2 ] || fail "sample onto a full disk: exit $(cat /tmp/full-disk.full.rc), not 2"
[ "$(errors full)" = 1 ] || fail "sample onto a full disk: not one error line"
[ ! -e "$mnt/b.png" ] && [ -z "$(find "$mnt" -name '*.tmp')" ] || fail "a half-written file is left"
rm -f "$mnt/filler"
mount -o remount,ro "$mnt"
run readonly train vae --device java --epochs 1 --out "$mnt/ro" --quiet
[ "$(cat /tmp/full-disk.readonly.rc)" = 2 ] || fail "training onto a read-only file system: exit $(cat /tmp/full-disk.readonly.rc), not 2"
[ "$(errors readonly)" = 1 ] || fail "training onto a read-only file system: not one error line"
mount -o remount,rw "$mnt"
echo "full-disk: all checks passed"
