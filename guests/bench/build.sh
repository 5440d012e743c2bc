#!/usr/bin/env bash
# guests/bench/build.sh — build the benchmark suite's programs, which nobody on the project
# wrote, from Debian's source packages with the guest toolchain of guests/build.sh.
#
#   bash guests/bench/build.sh            # prints the directory holding the binaries
#
# Programs (static rv64imac/lp64 musl executables, stripped):
#   lua             lua5.4's interpreter (the script: guests/bench/src/bench.lua)
#   sqlite3         sqlite3's shell, from its amalgamation (the SQL: guests/bench/src/sqlite.sql)
#   minigzip        zlib's test/minigzip.c with zlib itself
#   secp256k1_sign  libsecp256k1 with a small signing driver (guests/bench/src/secp256k1_sign.c)
#   corpus.txt      input for minigzip: the Lua and zlib C sources, concatenated
# RV64GC floating-point workloads (static rv64gc/lp64d glibc executables from Debian's
# riscv64-linux-gnu-gcc; skipped with a note when that compiler is missing):
#   lua-rv64gc      the same lua5.4 source built with the glibc cross compiler, so Lua numbers
#                   live in F/D registers (the script: guests/bench/src/nbody.lua)
#   nbody-rv64gc    the project's own C kernel guests/bench/src/nbody.c (n-body, a matrix
#                   product, a single-precision polynomial)
#
# Sources and binaries live in the guest cache ($GUESTS_CACHE/bench), never in the
# repository; a program is rebuilt only when its stamp (package version, compiler, flags)
# changes. The toolchain comes from guests/build.sh's cache: when it is missing, this
# script says so and exits 3, and `npm run bench` skips the suite.
#
# Environment:
#   GUESTS_CACHE   toolchain cache (default ${XDG_CACHE_HOME:-~/.cache}/zeroos-guests)
#   SKIP_APT=1     never call apt-get (fail when a source package is not downloaded yet)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${GUESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeroos-guests}
WORK=$CACHE/bench
OUT=$WORK/bin
CC=$CACHE/bin/rv64imac-musl-gcc
STRIP=riscv64-linux-gnu-strip
CFLAGS="-O2 -fno-pie -no-pie -w"
# Debian bookworm's versions, so every machine builds the same programs.
LUA=lua5.4=5.4.4-3+deb12u1
SQLITE=sqlite3=3.40.1-2+deb12u2
ZLIB=zlib=1:1.2.13.dfsg-1
SECP=libsecp256k1=0.2.0-2

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

if [ ! -x "$CC" ] || ! command -v "$STRIP" >/dev/null; then
  log "no guest toolchain ($CC): run 'bash guests/build.sh' first"
  exit 3
fi
mkdir -p "$WORK/src" "$WORK/logs" "$OUT"

# source PKG=VERSION: the unpacked source tree of that Debian source package
source_tree() {
  local pkg=${1%%=*} version=${1#*=} upstream dsc dir
  upstream=${version#*:}; upstream=${upstream%-*}
  dsc=$WORK/src/${pkg}_${version#*:}.dsc
  dir=$WORK/src/$pkg-$upstream
  if [ ! -f "$dir/.unpacked" ]; then
    if [ ! -f "$dsc" ]; then
      [ "${SKIP_APT:-0}" = 1 ] && { log "source package $1 not downloaded"; exit 1; }
      log "apt-get source --download-only $1"
      (cd "$WORK/src" && apt-get -o DPkg::Lock::Timeout=600 source --download-only "$1") \
        >"$WORK/logs/$pkg.source.log" 2>&1 || { tail -5 "$WORK/logs/$pkg.source.log" >&2; exit 1; }
    fi
    rm -rf "$dir"
    dpkg-source -x "$dsc" "$dir" >"$WORK/logs/$pkg.unpack.log" 2>&1
    touch "$dir/.unpacked"
  fi
  printf '%s\n' "$dir"
}

# fresh NAME STAMP: true when NAME must be (re)built
fresh() { [ -f "$OUT/$1" ] && [ "$(cat "$OUT/.$1.stamp" 2>/dev/null)" = "$2" ]; }
done_build() { $STRIP -o "$OUT/$1" "$WORK/$1.elf"; rm -f "$WORK/$1.elf"; echo "$2" > "$OUT/.$1.stamp"; }
TOOLSTAMP="$($CC -dumpversion) $CFLAGS"

# ---------------------------------------------------------------- Lua 5.4
stamp="$LUA $TOOLSTAMP"
if ! fresh lua "$stamp"; then
  src=$(source_tree "$LUA")/src
  # Debian's luaconf.h names the multiarch triplet in a generated header
  mkdir -p "$WORK/include"
  echo '#define DEB_HOST_MULTIARCH "riscv64-linux-musl"' > "$WORK/include/lua5.4-deb-multiarch.h"
  log "building lua"
  # shellcheck disable=SC2046,SC2086
  $CC $CFLAGS -I"$WORK/include" -DLUA_USE_POSIX -o "$WORK/lua.elf" \
    $(ls "$src"/*.c | grep -v '/luac\.c$') -lm 2>"$WORK/logs/lua.log" || { tail "$WORK/logs/lua.log" >&2; exit 1; }
  done_build lua "$stamp"
fi

# ------------------------------------------------------------------ zlib
stamp="$ZLIB $TOOLSTAMP"
if ! fresh minigzip "$stamp"; then
  z=$(source_tree "$ZLIB")
  log "building minigzip"
  # shellcheck disable=SC2086
  $CC $CFLAGS -DHAVE_UNISTD_H -I"$z" -o "$WORK/minigzip.elf" "$z"/{adler32,compress,crc32,deflate,gzclose,gzlib,gzread,gzwrite,infback,inffast,inflate,inftrees,trees,uncompr,zutil}.c \
    "$z/test/minigzip.c" 2>"$WORK/logs/minigzip.log" || { tail "$WORK/logs/minigzip.log" >&2; exit 1; }
  done_build minigzip "$stamp"
fi
if [ ! -f "$OUT/corpus.txt" ]; then
  z=$(source_tree "$ZLIB"); l=$(source_tree "$LUA")
  cat "$l"/src/*.c "$l"/src/*.h "$z"/*.c "$z"/*.h > "$OUT/corpus.txt"
fi

# --------------------------------------------------------- libsecp256k1
stamp="$SECP $TOOLSTAMP $(sha256sum "$HERE/src/secp256k1_sign.c" | cut -c1-16)"
if ! fresh secp256k1_sign "$stamp"; then
  s=$(source_tree "$SECP")
  log "building secp256k1_sign"
  # shellcheck disable=SC2086
  $CC $CFLAGS -I"$s/include" -I"$s/src" -o "$WORK/secp256k1_sign.elf" "$HERE/src/secp256k1_sign.c" \
    "$s/src/secp256k1.c" "$s/src/precomputed_ecmult.c" "$s/src/precomputed_ecmult_gen.c" \
    2>"$WORK/logs/secp256k1.log" || { tail "$WORK/logs/secp256k1.log" >&2; exit 1; }
  done_build secp256k1_sign "$stamp"
fi

# ------------------------------------------------------ SQLite shell
# The amalgamation (sqlite3.c, shell.c) is generated with the host's cc and tclsh, then
# compiled for the guest: single-threaded, no extension loading (static binary).
stamp="$SQLITE $TOOLSTAMP"
if ! fresh sqlite3 "$stamp"; then
  s=$(source_tree "$SQLITE")
  command -v tclsh >/dev/null && command -v cc >/dev/null ||
    { log "sqlite3 needs the host's cc and tclsh to generate its amalgamation"; exit 1; }
  log "building sqlite3 (amalgamation, then about a minute of compiling)"
  rm -rf "$WORK/build-sqlite"; mkdir -p "$WORK/build-sqlite"
  (cd "$WORK/build-sqlite" && "$s/configure" --disable-tcl && make sqlite3.c shell.c) \
    >"$WORK/logs/sqlite-amalgamation.log" 2>&1 || { tail "$WORK/logs/sqlite-amalgamation.log" >&2; exit 1; }
  # shellcheck disable=SC2086
  $CC $CFLAGS -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -o "$WORK/sqlite3.elf" \
    "$WORK/build-sqlite/shell.c" "$WORK/build-sqlite/sqlite3.c" 2>"$WORK/logs/sqlite3.log" ||
    { tail "$WORK/logs/sqlite3.log" >&2; exit 1; }
  done_build sqlite3 "$stamp"
fi

# ------------------------------------------- RV64GC floating point (glibc)
# Debian's riscv64-linux-gnu-gcc targets rv64gc/lp64d with glibc; -static gives a
# self-contained executable. Without that compiler these two are skipped, not failed.
GCC_GC=riscv64-linux-gnu-gcc
if command -v "$GCC_GC" >/dev/null; then
  GCSTAMP="$($GCC_GC -dumpversion) glibc $(dpkg-query -W -f='${Version}' libc6-dev-riscv64-cross 2>/dev/null) -O2 -static"
  stamp="$LUA $GCSTAMP"
  if ! fresh lua-rv64gc "$stamp"; then
    src=$(source_tree "$LUA")/src
    mkdir -p "$WORK/include-gc"
    echo '#define DEB_HOST_MULTIARCH "riscv64-linux-gnu"' > "$WORK/include-gc/lua5.4-deb-multiarch.h"
    log "building lua-rv64gc (glibc, lp64d)"
    # shellcheck disable=SC2046
    $GCC_GC -O2 -static -w -I"$WORK/include-gc" -DLUA_USE_POSIX -o "$WORK/lua-rv64gc.elf" \
      $(ls "$src"/*.c | grep -v '/luac\.c$') -lm 2>"$WORK/logs/lua-rv64gc.log" || { tail "$WORK/logs/lua-rv64gc.log" >&2; exit 1; }
    done_build lua-rv64gc "$stamp"
  fi
  stamp="nbody.c $(sha256sum "$HERE/src/nbody.c" | cut -c1-16) $GCSTAMP"
  if ! fresh nbody-rv64gc "$stamp"; then
    log "building nbody-rv64gc (glibc, lp64d)"
    $GCC_GC -O2 -static -Wall -o "$WORK/nbody-rv64gc.elf" "$HERE/src/nbody.c" -lm 2>"$WORK/logs/nbody-rv64gc.log" ||
      { tail "$WORK/logs/nbody-rv64gc.log" >&2; exit 1; }
    done_build nbody-rv64gc "$stamp"
  fi
else
  log "no $GCC_GC (apt-get install gcc-riscv64-linux-gnu): the RV64GC floating-point programs are skipped"
fi

printf '%s\n' "$OUT"
