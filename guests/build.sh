#!/usr/bin/env bash
# guests/build.sh — rebuild the RISC-V guest programs and their reference outputs.
#
#   bash guests/build.sh
#
# 1. installs the Debian packages it needs (qemu-user, the riscv64 cross gcc/binutils,
#    and for Rust rustc-web, cargo-web, rust-web-src),
# 2. builds musl 1.2.3 (Debian's source package + a one-line fix) for rv64imac/lp64
#    into a cache directory, once,
# 3. compiles every guests/src/*.c as a static, non-PIE, stripped rv64imac/lp64
#    (soft-float) musl executable -> guests/bin/<name>,
# 4. builds every guests/src/*.rs the same way as a Rust std program: Debian's
#    rustc/cargo with -Zbuild-std (std compiled for a custom rv64imac/lp64 musl target
#    derived from riscv64gc-unknown-linux-musl), linked against the same musl,
#    (4b: the F/D conformance guests src/conf_fd_*.c are built freestanding for rv64gc/lp64d,
#    no libc; see guests/README.md, "conf_fd_*")
# 5. checks each binary (RVC flag, soft-float ABI, no PT_INTERP, no F/D instructions),
# 6. runs each one under qemu-riscv64 and records guests/expected/<name>.stdout,
#    .stderr, .exit (exit status as a number; 128+signal when killed by a signal)
#    and .syscalls (syscall names with counts, from qemu's -strace).
#
# Per-program inputs (all optional) in guests/src/:
#   <name>.args   one argument per line
#   <name>.env    KEY=VALUE lines; the program runs with `env -i` plus exactly these
#   <name>.stdin  standard input (otherwise /dev/null)
#   <name>.qemu-fix  sed -E script applied to the recorded stdout, for the few places
#                 where qemu-user answers differently from Linux (each one commented)
# A source containing the marker GUEST_NO_QEMU_REFERENCE is built and checked but not
# run under qemu (e.g. a program that deadlocks): it gets no expected/ files.
# Each program runs with its working directory set to an empty scratch directory that
# holds a copy of guests/data/ as data/ (see guests/README.md, "Working directory and data").
#
# Environment:
#   GUESTS_CACHE   toolchain cache (default ${XDG_CACHE_HOME:-~/.cache}/zeroos-guests)
#   SKIP_APT=1     never call apt-get (fail if a package is missing)
#   RUN=0          build only; leave guests/expected/ untouched
#   RUST=0         skip the Rust guests (their bin/ and expected/ files are left alone)
#   GLIBC=0        skip the glibc RV64GC guests src/gc_* (guests/build-glibc.sh)
#   ONLY="a b"     build only these guests (C or Rust names); the others are left alone
#   SYMBOLS="a b"  guests also installed unstripped, symbol table kept, into bin/symbols/
#                  for profiles and instruction traces (default: cpubench rust_collections rust_bignum
#                  pthread_join rust_threads signals); refresh just those with
#                  ONLY="$SYMBOLS" RUN=0 ZKVM=0 EXAMPLES=0 bash guests/build.sh
set -euo pipefail

GUESTS=$(cd "$(dirname "$0")" && pwd)
SRC=$GUESTS/src
BIN=$GUESTS/bin
EXP=$GUESTS/expected
CACHE=${GUESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeroos-guests}
RUN=${RUN:-1}
RUST=${RUST:-1}
ONLY=${ONLY:-}
SYMBOLS=${SYMBOLS:-cpubench rust_collections rust_bignum pthread_join rust_threads signals}
MUSL_DEB_VERSION=1.2.3-1          # Debian bookworm's musl source package
MARCH=rv64imac
MABI=lp64
CFLAGS_GUEST="-O2 -Wall -fno-pie -no-pie"
JOBS=$(nproc)
# Rust: Debian's rustc-web/cargo-web (rustup's shims, often first on PATH, lack riscv targets)
RUSTC=/usr/bin/rustc
CARGO=/usr/bin/cargo

mkdir -p "$CACHE"/{src,logs,bin} "$BIN"
log() { printf '[guests %s] %s\n' "$(date +%T)" "$*" >&2; }

# ------------------------------------------------------------ apt helpers
# Other processes may hold the dpkg/apt locks: wait for them (and retry) rather than fail.
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
apt_retry() { # apt_retry LOGFILE apt-get-args...
  local logf=$1; shift
  local i
  for i in 1 2 3 4 5 6; do
    if apt-get "${APT_OPTS[@]}" "$@" >"$logf" 2>&1; then return 0; fi
    if grep -qiE 'lock|Could not get lock|dpkg was interrupted' "$logf"; then
      log "apt/dpkg busy (try $i), waiting"; sleep 20; continue
    fi
    return 1
  done
  return 1
}

shopt -s nullglob
cfiles=("$SRC"/*.c)
# the F/D conformance guests are freestanding rv64gc/lp64d programs (step 4b), not musl ones
fdfiles=("$SRC"/conf_fd_*.c)
# (the glibc guests src/gc_* are built by guests/build-glibc.sh, step 9)
mapfile -t cfiles < <(for f in ${cfiles[@]+"${cfiles[@]}"}; do [[ $(basename "$f") == conf_fd_* || $(basename "$f") == gc_* ]] || echo "$f"; done)
rsfiles=("$SRC"/*.rs)
[ "$RUST" = 1 ] || rsfiles=()
if [ -n "$ONLY" ]; then # keep the sources named in $ONLY
  only() { local f keep=(); for f in "$@"; do [[ " $ONLY " == *" $(basename "${f%.*}") "* ]] && keep+=("$f"); done; [ ${#keep[@]} -eq 0 ] || printf '%s\n' "${keep[@]}"; }
  mapfile -t cfiles < <(only ${cfiles[@]+"${cfiles[@]}"})
  mapfile -t rsfiles < <(only ${rsfiles[@]+"${rsfiles[@]}"})
  mapfile -t fdfiles < <(only ${fdfiles[@]+"${fdfiles[@]}"})
fi

# ----------------------------------------------------------- 1. packages
pkgs=(qemu-user gcc-riscv64-unknown-elf binutils-riscv64-linux-gnu dpkg-dev make perl)
[ ${#rsfiles[@]} -gt 0 ] && pkgs+=(rustc-web cargo-web rust-web-src)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "${SKIP_APT:-0}" = 1 ] && { log "missing packages: ${missing[*]}"; exit 1; }
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt_retry "$CACHE/logs/apt-install.log" install -y --no-install-recommends "${missing[@]}"; then
    apt_retry "$CACHE/logs/apt-update.log" update || { tail -20 "$CACHE/logs/apt-update.log"; exit 1; }
    apt_retry "$CACHE/logs/apt-install.log" install -y --no-install-recommends "${missing[@]}" ||
      { tail -20 "$CACHE/logs/apt-install.log"; exit 1; }
  fi
fi

GCC_ELF=riscv64-unknown-elf-gcc
GCC_INC=$($GCC_ELF -print-file-name=include)
LIBGCC=$(dirname "$($GCC_ELF -march=$MARCH -mabi=$MABI -print-libgcc-file-name)")
LIBGCC_DEFAULT=$(dirname "$($GCC_ELF -march=rv64imafdc -mabi=lp64d -print-libgcc-file-name)")
[ -f "$LIBGCC/libgcc.a" ] && [ "$LIBGCC" != "$LIBGCC_DEFAULT" ] ||
  { log "no $MARCH/$MABI multilib in $GCC_ELF"; exit 1; }

# -------------------------------------------------- 2. musl source (once)
MUSL_SRC=$CACHE/src/musl-${MUSL_DEB_VERSION%-*}
if [ ! -f "$MUSL_SRC/.patched" ]; then
  if [ ! -f "$CACHE/src/musl_$MUSL_DEB_VERSION.dsc" ]; then
    srcfile=/etc/apt/sources.list.d/zeroos-guests-bookworm-src.sources
    if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      [ "${SKIP_APT:-0}" = 1 ] && { log "no deb-src configured"; exit 1; }
      log "adding deb-src for bookworm main ($srcfile)"
      printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' \
        'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$srcfile"
    fi
    log "apt-get source --download-only musl=$MUSL_DEB_VERSION"
    if ! (cd "$CACHE/src" && apt_retry "$CACHE/logs/apt-source.log" source --download-only "musl=$MUSL_DEB_VERSION"); then
      apt_retry "$CACHE/logs/apt-update.log" update || { tail -20 "$CACHE/logs/apt-update.log"; exit 1; }
      (cd "$CACHE/src" && apt_retry "$CACHE/logs/apt-source.log" source --download-only "musl=$MUSL_DEB_VERSION") ||
        { tail "$CACHE/logs/apt-source.log"; exit 1; }
    fi
  fi
  rm -rf "$MUSL_SRC"
  (cd "$CACHE/src" && dpkg-source -x "musl_$MUSL_DEB_VERSION.dsc" "$MUSL_SRC") >"$CACHE/logs/dpkg-source.log" 2>&1
  # musl 1.2.3 bug: __riscv_flush_icache() falls off its end when there is no vDSO
  # __vdso_flush_icache; add the plain syscall fallback.
  perl -0pi -e 's/(if \(r != -ENOSYS\) return __syscall_ret\(r\);\n\t\}\n)\}/$1\treturn syscall(SYS_riscv_flush_icache, start, end, flags);\n}/' \
    "$MUSL_SRC/src/linux/cache.c"
  grep -q 'return syscall(SYS_riscv_flush_icache' "$MUSL_SRC/src/linux/cache.c" || { log "cache.c patch failed"; exit 1; }
  touch "$MUSL_SRC/.patched"
fi

# ------------------------------------------------ 3. musl build + wrapper
PREFIX=$CACHE/musl-$MARCH
stamp="musl $MUSL_DEB_VERSION+flushicache-fix; $GCC_ELF $($GCC_ELF -dumpversion); -march=$MARCH -mabi=$MABI -mcmodel=medany"
if [ ! -f "$PREFIX/.stamp" ] || [ "$(cat "$PREFIX/.stamp")" != "$stamp" ]; then
  log "building musl ($MARCH/$MABI)"
  rm -rf "$CACHE/build-musl" "$PREFIX"; mkdir -p "$CACHE/build-musl"
  ( cd "$CACHE/build-musl" &&
    "$MUSL_SRC/configure" --target=riscv64-linux-musl --prefix="$PREFIX" --disable-shared \
      CC=$GCC_ELF CROSS_COMPILE=riscv64-unknown-elf- CFLAGS="-march=$MARCH -mabi=$MABI -mcmodel=medany" &&
    make -j"$JOBS" && make install ) >"$CACHE/logs/musl.log" 2>&1 ||
    { tail -20 "$CACHE/logs/musl.log"; exit 1; }
  echo "$stamp" > "$PREFIX/.stamp"
fi
# Link with the Linux binutils ld (the bare-metal one rejects Linux link options).
mkdir -p "$PREFIX/ldbin"
ln -sf "$(command -v riscv64-linux-gnu-ld.bfd)" "$PREFIX/ldbin/ld"
cat > "$PREFIX/lib/musl-gcc.specs" <<SPECS
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $PREFIX/include -isystem $GCC_INC %(old_cpp_options)

*cc1:
%(cc1_cpu) -D__linux__ -D__linux -D__unix__ -D__unix -nostdinc -isystem $PREFIX/include -isystem $GCC_INC

*link_libgcc:
-L$PREFIX/lib

*libgcc:
$LIBGCC/libgcc.a

*lib:
--start-group -lc $LIBGCC/libgcc.a --end-group

*startfile:
$PREFIX/lib/crt1.o $PREFIX/lib/crti.o $LIBGCC/crtbegin.o

*endfile:
$LIBGCC/crtend.o $PREFIX/lib/crtn.o

*link:
-melf64lriscv -nostdlib -static %{mno-relax:--no-relax} %{rdynamic:-export-dynamic}

SPECS
CC=$CACHE/bin/$MARCH-musl-gcc
cat > "$CC" <<WRAP
#!/bin/sh
# C compiler driver: static $MARCH/$MABI Linux executables linked against musl ($PREFIX)
exec $GCC_ELF -B$PREFIX/ldbin/ -specs=$PREFIX/lib/musl-gcc.specs -march=$MARCH -mabi=$MABI -mcmodel=medany -static "\$@"
WRAP
chmod +x "$CC"

# libgcc.a of this multilib also holds the DWARF unwinder that Rust's std links as
# -lunwind (for backtraces, even with panic=abort).
mkdir -p "$PREFIX/lib-rust"
cp -f "$LIBGCC/libgcc.a" "$PREFIX/lib-rust/libunwind.a"

# ---------------------------------------------------------------- helpers
# fpcount, syscalls_of and qemu_reference
. "$GUESTS/lib.sh"

fail=0
built=()
install_guest() { # install_guest NAME ELF: strip into bin/ and check the result
  local n=$1 elf=$2 hdr phdrs fp
  riscv64-linux-gnu-strip -o "$BIN/$n" "$elf"
  chmod 755 "$BIN/$n"
  # the unstripped copy (symbol table kept, debug sections dropped) for profiling
  if [[ " $SYMBOLS " == *" $n "* ]]; then
    mkdir -p "$BIN/symbols"
    riscv64-linux-gnu-strip --strip-debug -o "$BIN/symbols/$n" "$elf"
    chmod 755 "$BIN/symbols/$n"
  fi
  # checks: RVC + soft-float ABI flags, static (no PT_INTERP), not PIE, no FP instructions
  hdr=$(riscv64-linux-gnu-readelf -h "$BIN/$n")
  grep -q 'Flags:.*RVC, soft-float ABI' <<<"$hdr" || { log "$n: unexpected ELF flags"; fail=1; }
  grep -q 'Type:.*EXEC' <<<"$hdr" || { log "$n: not ET_EXEC"; fail=1; }
  phdrs=$(riscv64-linux-gnu-readelf -lW "$BIN/$n")
  grep -q INTERP <<<"$phdrs" && { log "$n: has PT_INTERP"; fail=1; }
  grep -q DYNAMIC <<<"$phdrs" && { log "$n: has PT_DYNAMIC"; fail=1; }
  fp=$(fpcount "$BIN/$n"); [ "$fp" = 0 ] || { log "$n: $fp FP instructions"; fail=1; }
  built+=("$n")
}

# ------------------------------------------------------------- 4. compile C
[ ${#cfiles[@]} -gt 0 ] || [ -n "$ONLY" ] || { log "no sources in $SRC"; exit 1; }
log "compiling ${#cfiles[@]} C guests"
for f in "${cfiles[@]}"; do
  n=$(basename "$f" .c)
  # shellcheck disable=SC2086
  if ! "$CC" $CFLAGS_GUEST -o "$CACHE/$n.elf" "$f" 2>"$CACHE/logs/$n.build.log"; then
    log "FAILED: $n"; sed 's/^/    /' "$CACHE/logs/$n.build.log" >&2; fail=1; continue
  fi
  [ -s "$CACHE/logs/$n.build.log" ] && sed 's/^/    /' "$CACHE/logs/$n.build.log" >&2
  install_guest "$n" "$CACHE/$n.elf"
done

# ------------------------------------------- 4b. F/D conformance (rv64gc)
# guests/conformance/gen-fd.mjs writes src/conf_fd_*.c: freestanding C (own _start, raw
# write/exit ecalls, no libc: the musl above is soft-float) built for rv64gc/lp64d and
# linked with the Linux ld into two PT_LOADs (RX text, RW data) at 0x10000.
for f in ${fdfiles[@]+"${fdfiles[@]}"}; do
  n=$(basename "$f" .c)
  if ! { $GCC_ELF -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax -O2 -Wall -ffreestanding -fno-pie \
           -c -o "$CACHE/$n.o" "$f" &&
         riscv64-linux-gnu-ld -melf64lriscv -static -z noexecstack -o "$CACHE/$n.elf" "$CACHE/$n.o"; } \
       2>"$CACHE/logs/$n.build.log"; then
    log "FAILED: $n"; sed 's/^/    /' "$CACHE/logs/$n.build.log" >&2; fail=1; continue
  fi
  rm -f "$CACHE/$n.o"
  riscv64-linux-gnu-strip -o "$BIN/$n" "$CACHE/$n.elf"
  chmod 755 "$BIN/$n"
  hdr=$(riscv64-linux-gnu-readelf -h "$BIN/$n")
  grep -q 'Flags:.*RVC, double-float ABI' <<<"$hdr" || { log "$n: unexpected ELF flags"; fail=1; }
  phdrs=$(riscv64-linux-gnu-readelf -lW "$BIN/$n")
  [ "$(grep -c LOAD <<<"$phdrs")" = 2 ] || { log "$n: not two PT_LOADs"; fail=1; }
  grep -q INTERP <<<"$phdrs" && { log "$n: has PT_INTERP"; fail=1; }
  [ "$(fpcount "$BIN/$n")" -gt 0 ] || { log "$n: no FP instructions"; fail=1; }
  built+=("$n")
done

# ------------------------------------------------------------------ 5. Rust
# One cargo package in the cache with a [[bin]] per src/*.rs. -Zbuild-std compiles
# std for the target with the same size-oriented profile; std's crates.io
# dependencies come from rust-web-src's vendor directory (offline build).
# -Zbuild-std-features is empty: no "backtrace" (the symboliser: gimli, addr2line,
# miniz_oxide; ~170 KB per binary) and no "panic-unwind". Panics still print their
# message and location, then abort.
if [ ${#rsfiles[@]} -gt 0 ]; then
  sysroot=$($RUSTC --print sysroot)
  vendor=$sysroot/lib/rustlib/src/rust/library/vendor
  [ -d "$vendor" ] || { log "no vendored std dependencies at $vendor (rust-web-src missing?)"; exit 1; }
  ws=$CACHE/rust-ws
  triple=riscv64imac-unknown-linux-musl
  mkdir -p "$ws/.cargo" "$CACHE/cargo-home"
  # The target: riscv64gc-unknown-linux-musl without F/D (+m,+a,+c), ABI lp64,
  # static non-PIE executables by default (crt-static), non-PIC code.
  RUSTC_BOOTSTRAP=1 $RUSTC -Z unstable-options --print target-spec-json --target riscv64gc-unknown-linux-musl |
    sed -E 's/"features": "[^"]*"/"features": "+m,+a,+c"/;
            s/"llvm-abiname": "lp64d"/"llvm-abiname": "lp64"/;
            s/"position-independent-executables": true/"position-independent-executables": false/;
            s/("crt-static-respected": true,)/\1\n  "crt-static-default": true,\n  "relocation-model": "static",/' \
    > "$ws/$triple.json.new"
  grep -q '"features": "+m,+a,+c"' "$ws/$triple.json.new" &&
    grep -q '"llvm-abiname": "lp64"' "$ws/$triple.json.new" &&
    grep -q '"position-independent-executables": false' "$ws/$triple.json.new" &&
    grep -q '"crt-static-default": true' "$ws/$triple.json.new" ||
    { log "could not derive the $triple target JSON"; exit 1; }
  # replace it only when it changed (cargo rebuilds std when the target file changes)
  cmp -s "$ws/$triple.json.new" "$ws/$triple.json" || mv "$ws/$triple.json.new" "$ws/$triple.json"
  rm -f "$ws/$triple.json.new"
  {
    printf '[package]\nname = "guests"\nversion = "0.0.0"\nedition = "2021"\nautobins = false\n\n'
    printf '[profile.release]\nopt-level = "s"\nlto = true\ncodegen-units = 1\npanic = "abort"\n'
    printf 'debug = false\nincremental = false\n\n'
    for f in "${rsfiles[@]}"; do printf '[[bin]]\nname = "%s"\npath = "%s"\n\n' "$(basename "$f" .rs)" "$f"; done
  } > "$ws/Cargo.toml"
  # Paths are remapped so that no build-machine path ends up in a binary (panic
  # locations): guests/src/..., /rustc/library/..., cache/...
  cat > "$ws/.cargo/config.toml" <<CONFIG
[source.crates-io]
replace-with = "rust-src-vendor"

[source.rust-src-vendor]
directory = "$vendor"

[target.$triple]
linker = "$CC"
rustflags = ["-C", "link-self-contained=no", "-L", "$PREFIX/lib-rust",
  "--remap-path-prefix", "$GUESTS=guests",
  "--remap-path-prefix", "$sysroot/lib/rustlib/src/rust=/rustc",
  "--remap-path-prefix", "$CACHE=cache"]
CONFIG
  log "cargo -Zbuild-std: ${#rsfiles[@]} Rust guests for $triple ($($RUSTC -V))"
  if (cd "$ws" && CARGO_HOME=$CACHE/cargo-home RUSTC=$RUSTC RUSTC_BOOTSTRAP=1 \
        $CARGO build --offline --release -Zbuild-std=std,panic_abort -Zbuild-std-features= -Zjson-target-spec \
        --target "$ws/$triple.json") >"$CACHE/logs/cargo.log" 2>&1; then
    for f in "${rsfiles[@]}"; do
      n=$(basename "$f" .rs)
      install_guest "$n" "$ws/target/$triple/release/$n"
    done
  else
    log "FAILED: cargo"; tail -40 "$CACHE/logs/cargo.log" >&2; fail=1
  fi
fi

# ------------------------------------------------- 6. qemu reference runs
if [ "$RUN" = 1 ]; then
  mkdir -p "$EXP"
  for n in "${built[@]}"; do
    src=$SRC/$n.c; [ -f "$src" ] || src=$SRC/$n.rs
    if grep -q GUEST_NO_QEMU_REFERENCE "$src"; then
      rm -f "$EXP/$n".{stdout,stderr,exit,syscalls}
      log "$(printf '%-18s no qemu run     %7d bytes' "$n" "$(stat -c %s "$BIN/$n")")"
      continue
    fi
    REF_ARGS=(); REF_ENV=()
    [ -f "$SRC/$n.args" ] && mapfile -t REF_ARGS < "$SRC/$n.args"
    [ -f "$SRC/$n.env" ] && mapfile -t REF_ENV < <(grep -v '^[[:space:]]*$' "$SRC/$n.env")
    REF_STDIN=/dev/null; [ -f "$SRC/$n.stdin" ] && REF_STDIN=$SRC/$n.stdin
    # The working directory: an empty scratch directory holding a copy of guests/data as
    # data/, so relative paths in <name>.args such as data/mounted_input.txt resolve and
    # files a guest creates stay in the scratch area.
    qemu_reference "$BIN/$n" "$EXP/$n" "$CACHE"
    rc=$REF_RC
    [ -f "$SRC/$n.qemu-fix" ] && sed -E -i -f "$SRC/$n.qemu-fix" "$EXP/$n.stdout"
    log "$(printf '%-18s exit=%-3s %7d bytes' "$n" "$rc" "$(stat -c %s "$BIN/$n")")"
  done
fi
rm -f "$CACHE"/*.elf
# 7. the zkVM guests (Jolt, Spike: guests/zkvm/build.sh), with the same RUN/RUST; ZKVM=0 skips them
[ "${ZKVM:-1}" = 1 ] && { RUN=$RUN RUST=$RUST GUESTS_CACHE=$CACHE bash "$GUESTS/zkvm/build.sh" || fail=1; }
[ "${EXAMPLES:-1}" = 1 ] && { bash "$GUESTS/../docs/examples/build.sh" || fail=1; }   # 8. the guide's toyvm guests; EXAMPLES=0 skips them
[ "${GLIBC:-1}" = 1 ] && { RUN=$RUN ONLY="$ONLY" GUESTS_CACHE=$CACHE bash "$GUESTS/build-glibc.sh" || fail=1; }   # 9. the glibc RV64GC guests; GLIBC=0 skips them
[ "${GO:-1}" = 1 ] && { [ -z "$ONLY" ] || [[ " $ONLY " == *" go_demo "* ]]; } && { RUN=$RUN GUESTS_CACHE=$CACHE bash "$GUESTS/go/build.sh" || fail=1; }   # 10. the Go guest go_demo (guests/go/build.sh); GO=0 skips it
[ $fail = 0 ] && log "done" || log "done, with failures"
exit $fail
