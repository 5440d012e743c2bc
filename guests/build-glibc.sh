#!/usr/bin/env bash
# guests/build-glibc.sh — the glibc guests: static RV64GC (lp64d) programs built with Debian's
# riscv64-linux-gnu cross toolchain, and their reference outputs from qemu-riscv64.
#
#   bash guests/build-glibc.sh          (guests/build.sh calls it near its end; GLIBC=0 skips it)
#
# 1. installs gcc-riscv64-linux-gnu and g++-riscv64-linux-gnu (Debian bookworm: gcc 12.2,
#    glibc 2.36, libstdc++ 12) and qemu-user when missing,
# 2. compiles every guests/src/gc_*.c with riscv64-linux-gnu-gcc and every gc_*.cpp with
#    riscv64-linux-gnu-g++ (-std=c++17): -O2 -static -pthread, the toolchain's default
#    -march=rv64gc -mabi=lp64d, non-PIE, then strips the result into guests/bin/<name>,
# 3. checks each binary: RVC + double-float ABI flags, ET_EXEC, no PT_INTERP, no PT_DYNAMIC,
#    and F/D instructions present (it really is an RV64GC program),
# 4. runs each one under qemu-riscv64 exactly as guests/build.sh (section 6) does and records
#    guests/expected/<name>.{stdout,stderr,exit,syscalls}: `env -i` plus <name>.env, arguments
#    from <name>.args, stdin from <name>.stdin (else /dev/null), the working directory an empty
#    scratch directory holding a copy of guests/data as data/, <name>.qemu-fix applied to stdout.
#
# Environment (as guests/build.sh):
#   GUESTS_CACHE   cache for logs and intermediate files (default ${XDG_CACHE_HOME:-~/.cache}/zeroos-guests)
#   SKIP_APT=1     never call apt-get (fail if a package is missing)
#   RUN=0          build only; leave guests/expected/ untouched
#   ONLY="a b"     build only these guests (names without extension); others are left alone
set -euo pipefail

GUESTS=$(cd "$(dirname "$0")" && pwd)
SRC=$GUESTS/src
BIN=$GUESTS/bin
EXP=$GUESTS/expected
CACHE=${GUESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeroos-guests}
RUN=${RUN:-1}
ONLY=${ONLY:-}
CC=riscv64-linux-gnu-gcc
CXX=riscv64-linux-gnu-g++
# -ffile-prefix-map keeps the build machine's paths out of the binaries (assert, __FILE__)
COMMON="-O2 -Wall -static -pthread -fno-pie -no-pie -ffile-prefix-map=$GUESTS=guests"
CFLAGS_GC="$COMMON"
CXXFLAGS_GC="$COMMON -std=c++17"
WORK=$CACHE/glibc

mkdir -p "$WORK/logs" "$BIN"
log() { printf '[glibc %s] %s\n' "$(date +%T)" "$*" >&2; }

shopt -s nullglob
sources=("$SRC"/gc_*.c "$SRC"/gc_*.cpp)
if [ -n "$ONLY" ]; then
  keep=()
  for f in ${sources[@]+"${sources[@]}"}; do n=$(basename "$f"); n=${n%.*}; [[ " $ONLY " == *" $n "* ]] && keep+=("$f"); done
  sources=(${keep[@]+"${keep[@]}"})
fi
[ ${#sources[@]} -gt 0 ] || { log "no glibc guests to build"; exit 0; }

# ----------------------------------------------------------- 1. packages
pkgs=(gcc-riscv64-linux-gnu g++-riscv64-linux-gnu binutils-riscv64-linux-gnu qemu-user)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "${SKIP_APT:-0}" = 1 ] && { log "missing packages: ${missing[*]}"; exit 1; }
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >"$WORK/logs/apt.log" 2>&1 ||
    { apt-get -o DPkg::Lock::Timeout=600 update >"$WORK/logs/apt-update.log" 2>&1 &&
      apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >"$WORK/logs/apt.log" 2>&1; } ||
    { tail -20 "$WORK/logs/apt.log" >&2; exit 1; }
fi

# ---------------------------------------------------------------- helpers
# fpcount, syscalls_of and qemu_reference
. "$GUESTS/lib.sh"

# ------------------------------------------------------ 2. + 3. build, check
fail=0
built=()
log "$($CC --version | head -1); glibc $(dpkg-query -W -f='${Version}' libc6-dev-riscv64-cross 2>/dev/null || echo '?')"
for f in "${sources[@]}"; do
  n=$(basename "$f"); n=${n%.*}
  case $f in
    *.cpp) cmd=($CXX $CXXFLAGS_GC -o "$WORK/$n.elf" "$f") ;;
    *) cmd=($CC $CFLAGS_GC -o "$WORK/$n.elf" "$f" -lm) ;;
  esac
  if ! "${cmd[@]}" 2>"$WORK/logs/$n.build.log"; then
    log "FAILED: $n"; sed 's/^/    /' "$WORK/logs/$n.build.log" >&2; fail=1; continue
  fi
  [ -s "$WORK/logs/$n.build.log" ] && sed 's/^/    /' "$WORK/logs/$n.build.log" >&2
  riscv64-linux-gnu-strip -o "$BIN/$n" "$WORK/$n.elf"
  chmod 755 "$BIN/$n"
  rm -f "$WORK/$n.elf"
  hdr=$(riscv64-linux-gnu-readelf -h "$BIN/$n")
  grep -q 'Flags:.*RVC, double-float ABI' <<<"$hdr" || { log "$n: not an RVC lp64d executable"; fail=1; }
  grep -q 'Type:.*EXEC' <<<"$hdr" || { log "$n: not ET_EXEC"; fail=1; }
  phdrs=$(riscv64-linux-gnu-readelf -lW "$BIN/$n")
  grep -q INTERP <<<"$phdrs" && { log "$n: has PT_INTERP (not static)"; fail=1; }
  grep -q DYNAMIC <<<"$phdrs" && { log "$n: has PT_DYNAMIC"; fail=1; }
  [ "$(fpcount "$BIN/$n")" -gt 0 ] || { log "$n: no F/D instructions"; fail=1; }
  grep -qF "$GUESTS" "$BIN/$n" && { log "$n: contains the build path $GUESTS"; fail=1; }
  built+=("$n")
done

# ------------------------------------------------- 4. qemu reference runs
if [ "$RUN" = 1 ]; then
  mkdir -p "$EXP"
  for n in ${built[@]+"${built[@]}"}; do
    REF_ARGS=(); REF_ENV=()
    [ -f "$SRC/$n.args" ] && mapfile -t REF_ARGS < "$SRC/$n.args"
    [ -f "$SRC/$n.env" ] && mapfile -t REF_ENV < <(grep -v '^[[:space:]]*$' "$SRC/$n.env")
    REF_STDIN=/dev/null; [ -f "$SRC/$n.stdin" ] && REF_STDIN=$SRC/$n.stdin
    qemu_reference "$BIN/$n" "$EXP/$n" "$WORK"
    rc=$REF_RC
    [ -f "$SRC/$n.qemu-fix" ] && sed -E -i -f "$SRC/$n.qemu-fix" "$EXP/$n.stdout"
    log "$(printf '%-18s exit=%-3s %7d bytes' "$n" "$rc" "$(stat -c %s "$BIN/$n")")"
  done
fi
[ $fail = 0 ] && log "done" || log "done, with failures"
exit $fail
