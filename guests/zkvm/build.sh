#!/usr/bin/env bash
# guests/zkvm/build.sh — rebuild the zkVM guests (Jolt and Spike) and their expected results.
#
#   bash guests/zkvm/build.sh        (also run at the end of `bash guests/build.sh`)
#
# 1. generates the GNU ld scripts with `zeroos linker-script --platform jolt|spike` (the
#    project's own layout code, so link and run always agree; builds dist/ first if needed),
# 2. compiles guests/zkvm/src/*: musl C guests (host trap mode: Linux syscalls served by the
#    host kernel) with the musl and compiler driver that guests/build.sh caches, bare-metal
#    guests (`*.S`, and `*.c` carrying the marker ZKVM_BARE_METAL) with -nostdlib, and the Rust
#    std guest with -Zbuild-std as guests/build.sh does; everything rv64imac/lp64, static,
#    non-PIE, linked with -T <generated script>,
# 3. strips debug information only (`--strip-debug`): the symbol table stays, since the
#    integrations read __stack_size/__heap_size (Jolt) and tohost/fromhost (Spike) from it,
# 4. installs guests/bin/jolt/<name> and guests/bin/spike/<name> and checks them (flags, no
#    PT_INTERP, no F/D, and for Jolt no instruction Jolt refuses, except the jolt_bad_* ones),
# 5. writes guests/expected/jolt/ and guests/expected/spike/: runs under qemu where qemu can
#    run the program (qemu-riscv64 for the musl guests, which are ordinary static Linux
#    executables wherever they are linked; qemu-system-riscv64 -machine spike for the HTIF
#    guest) and the expectations computed independently of the guests elsewhere (SHA-256 and
#    Keccak digests, hand-counted trace rows from the source headers).
#
# Environment: GUESTS_CACHE, SKIP_APT, RUN=0 (build only), RUST=0 (skip the Rust guest) as in
# guests/build.sh; ZEROOS_CLI=path/to/main.js to generate the scripts with another build. Running it twice gives the same bytes.
set -euo pipefail

ZK=$(cd "$(dirname "$0")" && pwd)
GUESTS=$(dirname "$ZK")
ROOT=$(dirname "$GUESTS")
SRC=$ZK/src
CACHE=${GUESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeroos-guests}
WORK=$CACHE/zkvm
RUN=${RUN:-1}
RUST=${RUST:-1}
MARCH=rv64imac
ASM_MARCH=rv64imac_zicsr_zifencei   # the same ISA; GNU as 2.40 wants Zicsr named for CSR instructions
MABI=lp64
RUSTC=/usr/bin/rustc
CARGO=/usr/bin/cargo
CC=$CACHE/bin/$MARCH-musl-gcc
PREFIX=$CACHE/musl-$MARCH
GCC_ELF=riscv64-unknown-elf-gcc
OBJDUMP=riscv64-linux-gnu-objdump
READELF=riscv64-linux-gnu-readelf
STRIP=riscv64-linux-gnu-strip

log() { printf '[zkvm %s] %s\n' "$(date +%T)" "$*" >&2; }
mkdir -p "$WORK"/{ld,obj,logs} "$GUESTS/bin/jolt" "$GUESTS/bin/spike" "$GUESTS/expected/jolt" "$GUESTS/expected/spike"

# ------------------------------------------------------ toolchain from guests/build.sh
# The musl build and the compiler driver live in guests/build.sh; let it make them (it is
# reproducible, so rebuilding the plain guests changes no byte) without recursing into us.
if [ ! -x "$CC" ] || [ ! -f "$PREFIX/lib/libc.a" ]; then
  log "no cached musl toolchain: running guests/build.sh first"
  ZKVM=0 RUN=0 RUST=0 bash "$GUESTS/build.sh"
fi

# qemu's Spike machine (Debian's qemu-system-misc) records the HTIF guest's reference run.
if [ "$RUN" = 1 ] && ! command -v qemu-system-riscv64 >/dev/null && [ "${SKIP_APT:-0}" != 1 ]; then
  log "apt-get install qemu-system-misc"
  for i in 1 2 3 4 5 6; do # another apt may hold the lock: wait and retry
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
      qemu-system-misc >"$WORK/logs/apt.log" 2>&1 && break
    grep -qiE 'lock|dpkg was interrupted' "$WORK/logs/apt.log" || break
    sleep 20
  done
fi

# ---------------------------------------------------------------- 1. linker scripts
# ZEROOS_CLI: another built zeroos main.js (default: this tree's dist/cli/main.js)
ZEROOS=${ZEROOS_CLI:-$ROOT/dist/cli/main.js}
if [ ! -f "$ZEROOS" ]; then
  log "building the CLI (npm run build)"
  (cd "$ROOT" && npm run build >"$WORK/logs/npm-build.log" 2>&1) || { tail -20 "$WORK/logs/npm-build.log"; exit 1; }
fi
script() { # script NAME ARGS...: write $WORK/ld/NAME.ld from `zeroos linker-script ARGS`
  local n=$1; shift
  local i
  for i in 1 2 3 4 5; do # (a dist/ being rebuilt at that moment fails to load: try again)
    node "$ZEROOS" linker-script "$@" > "$WORK/ld/$n.ld.new" 2>"$WORK/logs/ld-$n.log" &&
      grep -q '^/\* GNU ld script' "$WORK/ld/$n.ld.new" && break
    [ $i = 5 ] && { log "zeroos linker-script $*: failed"; cat "$WORK/logs/ld-$n.log" >&2; exit 1; }
    sleep 5
  done
  mv "$WORK/ld/$n.ld.new" "$WORK/ld/$n.ld"
}
# musl C programs: room for musl's initial stack and stdio, a heap for brk/mmap.
script jolt-musl --platform jolt --stack-size 65536 --heap-size 4194304
# the Rust std program: thread stacks (2 MiB by default) come from the heap.
script jolt-rust --platform jolt --stack-size 1048576 --heap-size 33554432
# bare-metal guests: Jolt's defaults (4 KiB stack, 32 MiB heap).
script jolt-bare --platform jolt
script spike --platform spike

# ---------------------------------------------------------------------- helpers
fail=0
fpcount() { # F/D/Q instructions or FP CSR accesses in an ELF
  $OBJDUMP -d -M no-aliases "$1" | awk -F'\t' 'NF>=3 {m=$3; gsub(/ /,"",m);
    if ((m ~ /^f/ && m !~ /^fence/) || m ~ /^c\.f/ || $4 ~ /(fflags|frm|fcsr)/) n++} END {print n+0}'
}
# Words in executable sections that Jolt refuses when it builds the program (sheet §4):
# CSRRC and the immediate CSR forms, WFI/SRET/URET, CSRRW/CSRRS on a CSR outside the six it
# maps, and anything objdump cannot decode. Printed as "address word mnemonic operands".
jolt_refused() {
  # Raw words objdump prints as .4byte are Jolt's own: opcode 0x5B with funct3 0-2 (advice,
  # assert-equal, VirtualHostIO) and the inline opcodes 0x0B/0x2B are accepted.
  $OBJDUMP -d -M no-aliases,numeric "$1" | awk -F'\t' '
    function hexval(h,   i, v) { v = 0; h = tolower(h); sub(/^0x/, "", h)
      for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
      return v }
    NF>=3 { m=$3; gsub(/ /,"",m); ops=$4; bad=0
      if (m ~ /^(csrrc|csrrwi|csrrsi|csrrci|wfi|sret|uret|\.insn|\.word|\.short|\.2byte)$/) bad=1
      if (m == ".4byte") { w = $2; gsub(/ /, "", w); w = hexval(w); op = w % 128; f3 = int(w / 4096) % 8
        if (!((op == 91 && f3 <= 2) || op == 11 || op == 43)) bad=1 }
      if (m ~ /^(csrrw|csrrs)$/) { split(ops, o, ","); c=o[2]
        if (c !~ /^(mstatus|mtvec|mscratch|mepc|mcause|mtval)$/) bad=1 }
      if (m ~ /unknown/) bad=1
      if (bad) { a=$1; gsub(/[ :]/,"",a); w=$2; gsub(/ /,"",w); printf "%s %s %s %s\n", a, w, m, ops } }'
}
built=()
install_guest() { # install_guest PLATFORM NAME ELF
  local plat=$1 n=$2 elf=$3 out=$GUESTS/bin/$1/$2 hdr fp
  $STRIP --strip-debug -R .comment -o "$out" "$elf"
  chmod 755 "$out"
  hdr=$($READELF -h "$out")
  grep -q 'Flags:.*RVC, soft-float ABI' <<<"$hdr" || { log "$n: unexpected ELF flags"; fail=1; }
  grep -q 'Type:.*EXEC' <<<"$hdr" || { log "$n: not ET_EXEC"; fail=1; }
  $READELF -lW "$out" | grep -qE 'INTERP|DYNAMIC' && { log "$n: dynamic"; fail=1; }
  fp=$(fpcount "$out"); [ "$fp" = 0 ] || { log "$n: $fp FP instructions"; fail=1; }
  built+=("$plat/$n")
}
musl_cc() { # musl_cc LDSCRIPT OUT SRC...: a static musl program linked by a generated script
  local ld=$1 out=$2; shift 2
  "$CC" -O2 -Wall -fno-pie -no-pie -Wl,-T,"$ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments -o "$out" "$@"
}
bare_cc() { # bare_cc LDSCRIPT OUT SRC...: no libc, no start files, machine mode
  # --no-relax: the guests count their instructions by hand, and gp is never set up.
  local ld=$1 out=$2; shift 2
  $GCC_ELF -march=$ASM_MARCH -mabi=$MABI -mcmodel=medany -O2 -Wall -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-pie -no-pie \
    -nostdlib -nostartfiles -static -Wl,--no-relax -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,"$ld" -o "$out" "$@"
}
build() { # build PLATFORM NAME KIND(musl|bare) LDSCRIPT SRC...
  local plat=$1 n=$2 kind=$3 ld=$WORK/ld/$4.ld; shift 4
  local elf=$WORK/obj/$n.elf
  if ! { if [ "$kind" = musl ]; then musl_cc "$ld" "$elf" "$@"; else bare_cc "$ld" "$elf" "$@"; fi; } \
      2>"$WORK/logs/$n.build.log"; then
    log "FAILED: $n"; sed 's/^/    /' "$WORK/logs/$n.build.log" >&2; fail=1; return 0
  fi
  [ -s "$WORK/logs/$n.build.log" ] && sed 's/^/    /' "$WORK/logs/$n.build.log" >&2
  install_guest "$plat" "$n" "$elf"
}

# ---------------------------------------------------------------------- 2. build
log "compiling the Jolt and Spike guests"
for f in "$SRC"/jolt_*.c "$SRC"/jolt_*.S "$SRC"/spike_*.c "$SRC"/spike_*.S; do
  [ -f "$f" ] || continue
  n=$(basename "$f"); n=${n%.*}
  plat=${n%%_*}
  if [[ $f == *.S ]] || grep -q ZKVM_BARE_METAL "$f"; then
    kind=bare; ld=$plat-bare; [ "$plat" = spike ] && ld=spike
  else
    kind=musl; ld=$plat-musl; [ "$plat" = spike ] && ld=spike
  fi
  # a C guest may use a shared assembly entry: src/<platform>_start.s (lower-case .s: not a guest)
  extra=()
  [ "$kind" = bare ] && [[ $f == *.c ]] && extra=("$SRC/${plat}_start.s")
  build "$plat" "$n" "$kind" "$ld" "${extra[@]}" "$f"
done

# ------------------------------------------------------------------ Rust (jolt_rust)
# The same source twice: jolt_rust linked by the Jolt script, jolt_rust_linux by ld's default
# (the reference). One cargo workspace, std built once for both with -Zbuild-std; the Jolt
# script is a per-binary link argument from build.rs.
if [ "$RUST" = 1 ]; then
  sysroot=$($RUSTC --print sysroot)
  vendor=$sysroot/lib/rustlib/src/rust/library/vendor
  [ -d "$vendor" ] || { log "no vendored std sources at $vendor (rust-web-src missing? run guests/build.sh)"; exit 1; }
  ws=$WORK/rust-ws
  triple=riscv64imac-unknown-linux-musl
  mkdir -p "$ws/.cargo" "$CACHE/cargo-home"
  # the target of guests/build.sh: riscv64gc-unknown-linux-musl without F/D, lp64, static
  RUSTC_BOOTSTRAP=1 $RUSTC -Z unstable-options --print target-spec-json --target riscv64gc-unknown-linux-musl |
    sed -E 's/"features": "[^"]*"/"features": "+m,+a,+c"/;
            s/"llvm-abiname": "lp64d"/"llvm-abiname": "lp64"/;
            s/"position-independent-executables": true/"position-independent-executables": false/;
            s/("crt-static-respected": true,)/\1\n  "crt-static-default": true,\n  "relocation-model": "static",/' \
    > "$ws/$triple.json.new"
  grep -q '"llvm-abiname": "lp64"' "$ws/$triple.json.new" && grep -q '"crt-static-default": true' "$ws/$triple.json.new" &&
    grep -q '"code-model": "medium"' "$ws/$triple.json.new" || { log "could not derive the $triple target JSON"; exit 1; }
  cmp -s "$ws/$triple.json.new" "$ws/$triple.json" || mv "$ws/$triple.json.new" "$ws/$triple.json"
  rm -f "$ws/$triple.json.new"
  cat > "$ws/Cargo.toml" <<TOML
[package]
name = "zkvm-guests"
version = "0.0.0"
edition = "2021"
autobins = false
build = "build.rs"

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
debug = false
incremental = false

[[bin]]
name = "jolt_rust"
path = "$SRC/jolt_rust.rs"

[[bin]]
name = "jolt_rust_linux"
path = "$ws/jolt_rust_linux.rs"
TOML
  printf 'include!("%s");\n' "$SRC/jolt_rust.rs" > "$ws/jolt_rust_linux.rs"
  cat > "$ws/build.rs" <<RS
fn main() {
    println!("cargo:rustc-link-arg-bin=jolt_rust=-Wl,-T,$WORK/ld/jolt-rust.ld");
    println!("cargo:rerun-if-changed=$WORK/ld/jolt-rust.ld");
}
RS
  cat > "$ws/.cargo/config.toml" <<CONFIG
[source.crates-io]
replace-with = "rust-src-vendor"

[source.rust-src-vendor]
directory = "$vendor"

[target.$triple]
linker = "$CC"
rustflags = ["-C", "link-self-contained=no", "-L", "$PREFIX/lib-rust", "-C", "link-arg=-Wl,--build-id=none",
  "--remap-path-prefix", "$GUESTS=guests",
  "--remap-path-prefix", "$ws=guests/zkvm/src",
  "--remap-path-prefix", "$sysroot/lib/rustlib/src/rust=/rustc",
  "--remap-path-prefix", "$CACHE=cache"]
CONFIG
  log "cargo -Zbuild-std: jolt_rust ($($RUSTC -V))"
  if (cd "$ws" && CARGO_HOME=$CACHE/cargo-home RUSTC=$RUSTC RUSTC_BOOTSTRAP=1 \
        $CARGO build --offline --release -Zbuild-std=std,panic_abort -Zbuild-std-features= -Zjson-target-spec \
        --target "$ws/$triple.json") >"$WORK/logs/cargo.log" 2>&1; then
    install_guest jolt jolt_rust "$ws/target/$triple/release/jolt_rust"
    cp "$ws/target/$triple/release/jolt_rust_linux" "$WORK/obj/jolt_rust_linux.elf"
  else
    log "FAILED: cargo"; tail -40 "$WORK/logs/cargo.log" >&2; fail=1
  fi
fi

# ------------------------------------------------------------------ 3. checks
for g in "${built[@]}"; do
  case $g in
    jolt/jolt_bad_*) ;; # refused on purpose: recorded in expected/jolt/<name>.refused
    jolt/*)
      refused=$(jolt_refused "$GUESTS/bin/$g")
      [ -z "$refused" ] || { log "$g: words Jolt refuses:"; sed 's/^/    /' <<<"$refused" >&2; fail=1; } ;;
  esac
done

# ------------------------------------------------------------------ 4. expected results
. "$ZK/expected.sh"

rm -f "$WORK"/obj/*.elf
[ $fail = 0 ] && log "done" || log "done, with failures"
exit $fail
