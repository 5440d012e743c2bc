#!/usr/bin/env bash
# docs/examples/build.sh — rebuild the toyvm example guests next to their sources.
#
#   bash docs/examples/build.sh      (also run at the end of `bash guests/build.sh`)
#
# 1. asks the adapter for its linker script: `zeroos linker-script --platform
#    ./docs/examples/toyvm.js` (builds dist/ first if needed), so link and run agree,
# 2. compiles toyvm_*.c and toyvm_*.S bare metal (no libc, no start files) for rv64imac/lp64,
#    static, non-PIE, linked with that script,
# 3. strips debug information and installs docs/examples/toyvm_<name>.
#
# Needs riscv64-unknown-elf-gcc (Debian's gcc-riscv64-unknown-elf; guests/build.sh installs
# it). ZEROOS_CLI=path/to/main.js uses another build of the CLI. Running it twice gives the
# same bytes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ZEROOS=${ZEROOS_CLI:-$ROOT/dist/cli/main.js}
CC=riscv64-unknown-elf-gcc
STRIP=riscv64-unknown-elf-strip
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf '[toyvm %s] %s\n' "$(date +%T)" "$*" >&2; }

if [ ! -f "$ZEROOS" ]; then
  log "building the CLI (npm run build)"
  (cd "$ROOT" && npm run build >"$WORK/npm-build.log" 2>&1) || { tail -20 "$WORK/npm-build.log"; exit 1; }
fi

# The adapter path as the user would type it, from the repository root.
(cd "$ROOT" && node "$ZEROOS" linker-script --platform ./docs/examples/toyvm.js) > "$WORK/toyvm.ld"
grep -q '^ENTRY(_start)' "$WORK/toyvm.ld" || { log "zeroos linker-script gave no script"; cat "$WORK/toyvm.ld" >&2; exit 1; }

# --no-relax: gp is never set up, and toyvm_atomic counts lla as two instructions.
for src in "$HERE"/toyvm_*.c "$HERE"/toyvm_*.S; do
  name=$(basename "$src"); name=${name%.*}
  $CC -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -O2 -Wall -ffreestanding -fno-builtin \
    -fno-pie -no-pie -nostdlib -nostartfiles -static -ffile-prefix-map="$HERE"=docs/examples \
    -Wl,--no-relax -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,"$WORK/toyvm.ld" \
    -o "$WORK/$name.elf" "$src"
  $STRIP --strip-debug -R .comment -o "$HERE/$name" "$WORK/$name.elf"
  chmod 755 "$HERE/$name"
  log "$(printf '%-14s %6d bytes' "$name" "$(stat -c %s "$HERE/$name")")"
done
