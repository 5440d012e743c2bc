# guests/zkvm/expected.sh — sourced by guests/zkvm/build.sh (step 5): writes
# guests/expected/jolt/ and guests/expected/spike/. Files per guest (only those that apply):
#   <name>.options   zeroos run options beyond the binary (platform, trap mode, input/output)
#   <name>.args      guest arguments, one per line
#   <name>.stdout    what the guest prints (VirtualHostIO prints included)
#   <name>.stderr    (the qemu-recorded ones)
#   <name>.exit      the exit status ZeroOS should give: Jolt terminated 0, panicked 80, halted
#                    without termination 81, rejected 82; exit_group(n) in host trap mode: n
#   <name>.input     Jolt input region bytes; <name>.output: the expected output bytes (trailing
#                    zeros trimmed, as Jolt's host does)
#   <name>.rows      hand-counted Jolt trace rows (from the source's header)
#   <name>.refused   the words Jolt refuses at program build: "address word mnemonic operands"
# Expectations come from qemu runs where qemu can run the program, otherwise from values
# computed without the guests (sha256sum; Keccak values cross-checked against SHA3-256).
[ "$RUN" = 1 ] || return 0

EJ=$GUESTS/expected/jolt
ES=$GUESTS/expected/spike
QEMU=$(command -v qemu-riscv64)
put() { printf '%b' "$2" > "$1"; } # put FILE TEXT (with \n escapes)
hex2bin() { # hex2bin HEX > FILE, without xxd
  local h=$1 i
  for ((i = 0; i < ${#h}; i += 2)); do printf "\\x${h:i:2}"; done
}
qemu_user() { # qemu_user ELF PREFIX: record PREFIX.stdout/.stderr/.exit of a qemu-riscv64 run
  local elf=$1 pre=$2 rc
  set +e
  { (cd "$WORK" && ulimit -c 0 && exec timeout 300 env -i "$QEMU" "$elf" </dev/null >"$pre.stdout" 2>"$pre.stderr.raw"); } 2>/dev/null
  rc=$?
  set -e
  grep -v '^qemu: uncaught target signal' "$pre.stderr.raw" > "$pre.stderr" || true
  rm -f "$pre.stderr.raw"
  echo "$rc" > "$pre.exit"
}
# start clean (RUST=0 keeps the Rust guest's files, as guests/build.sh does)
if [ "$RUST" = 1 ]; then rm -f "$EJ"/* "$ES"/*; else find "$EJ" "$ES" -type f ! -name 'jolt_rust.*' -delete; fi

# ------------------------------------------------------------- Jolt, host trap mode
# jolt_hello: a plain Linux program wherever it is linked, so qemu-riscv64 runs this very binary
for n in jolt_hello; do
  qemu_user "$GUESTS/bin/jolt/$n" "$EJ/$n"
  put "$EJ/$n.options" '--platform jolt --trap host\n'
done

# jolt_rust: the reference is the same source linked for Linux; the Jolt-linked binary must
# print the same under qemu-riscv64 too (a check of the linker script, not recorded)
if [ -f "$WORK/obj/jolt_rust_linux.elf" ]; then
  qemu_user "$WORK/obj/jolt_rust_linux.elf" "$EJ/jolt_rust"
  put "$EJ/jolt_rust.options" '--platform jolt --trap host\n'
  qemu_user "$GUESTS/bin/jolt/jolt_rust" "$WORK/jolt_rust.jolt-linked"
  if ! cmp -s "$WORK/jolt_rust.jolt-linked.stdout" "$EJ/jolt_rust.stdout" ||
     ! cmp -s "$WORK/jolt_rust.jolt-linked.exit" "$EJ/jolt_rust.exit"; then
    log "jolt_rust linked for Jolt prints differently from its Linux build under qemu-riscv64 (exit $(cat "$WORK/jolt_rust.jolt-linked.exit"))"
  fi
elif [ "$RUST" = 1 ]; then
  log "no jolt_rust Linux build: expected/jolt/jolt_rust.* not written"; fail=1
fi

# jolt_hash: postcard Vec<u8> "abc" (length 3 as a varint, then the bytes)
printf '\003abc' > "$EJ/jolt_hash.input"
digest=$(printf 'abc' | sha256sum | cut -d' ' -f1)
hex2bin "$digest" > "$EJ/jolt_hash.output"
put "$EJ/jolt_hash.stdout" "sha256(3 bytes) = $digest\n"
put "$EJ/jolt_hash.exit" '0\n'
put "$EJ/jolt_hash.options" '--platform jolt --trap host --input guests/expected/jolt/jolt_hash.input\n'

put "$EJ/jolt_panic.stdout" 'jolt_panic: setting the panic byte\n'
put "$EJ/jolt_panic.exit" '80\n'
put "$EJ/jolt_abort.stdout" 'jolt_abort: calling abort()\n'
put "$EJ/jolt_abort.exit" '80\n'
put "$EJ/jolt_notermination.stdout" 'jolt_notermination: halting without the termination store\n'
put "$EJ/jolt_notermination.exit" '81\n'
for n in jolt_panic jolt_abort jolt_notermination; do put "$EJ/$n.options" '--platform jolt --trap host\n'; done

# jolt_overflow MODE: every mode but output is a run Jolt rejects (82); the line before shows
# how far it got. output: Jolt takes the 4097th byte store as a store to the panic byte, so
# the run goes on, the panic flag set, and ends with exit_group(0) (exit 0, panic 1); the
# output region holds the 4096 bytes (i | 1) & 0xff.
for mode in stack heap heapread output misaligned misaligned_w; do
  put "$EJ/jolt_overflow.$mode.args" "$mode\n"
  put "$EJ/jolt_overflow.$mode.stdout" "jolt_overflow: $mode\n"
  put "$EJ/jolt_overflow.$mode.exit" '82\n'
done
put "$EJ/jolt_overflow.output.stdout" 'jolt_overflow: output\nwrote 4097 bytes\n'
put "$EJ/jolt_overflow.output.exit" '0\n'
for ((i = 0; i < 4096; i++)); do printf "\\$(printf %03o $(((i | 1) & 255)))"; done > "$EJ/jolt_overflow.output.output"
put "$EJ/jolt_overflow.options" '--platform jolt --trap host\n'

# --------------------------------------------------------------- Jolt, bare metal
for n in jolt_bad_csrrc jolt_bad_csr jolt_bad_wfi; do
  jolt_refused "$GUESTS/bin/jolt/$n" > "$EJ/$n.refused"
  [ "$(wc -l < "$EJ/$n.refused")" = 1 ] || { log "$n: expected exactly one refused word"; fail=1; }
  put "$EJ/$n.exit" '82\n'
  put "$EJ/$n.options" '--platform jolt --trap machine\n'
done

put "$EJ/jolt_trap.stdout" 'hello from jolt_trap\nenosys ok\n'
put "$EJ/jolt_trap.exit" '0\n'
put "$EJ/jolt_trap.options" '--platform jolt --trap machine\n'

# rows: "instructions N", "rows R", "padded P", then per cycle-tracking label "span <label>
# <instructions> <rows>" (Jolt counts the START marker's row, not the END marker's)
put "$EJ/jolt_mix1.rows" 'instructions 60\nrows 194\npadded 256\n'
put "$EJ/jolt_mix2.rows" 'instructions 53\nrows 376\npadded 512\n'
put "$EJ/jolt_cycles.rows" 'instructions 46\nrows 97\npadded 256\nspan span_a 8 28\nspan span_b 6 25\n'
put "$EJ/jolt_cycles.stdout" 'jolt_cycles: print, println\n'
# cross-check: the per-line "# rows N [xK]" notes of each source (an lla is 2 instructions)
# must add up to the totals above
for n in jolt_mix1 jolt_mix2 jolt_cycles; do
  sum=$(awk '!/^[[:space:]]*#/ && match($0, /# rows [0-9]+/) {
      r = substr($0, RSTART + 7, RLENGTH - 7) + 0; k = 1
      if (match($0, /# rows [0-9]+ x[0-9]+/)) { t = substr($0, RSTART, RLENGTH); sub(/.* x/, "", t); k = t + 0 }
      i += ($1 == "lla" || $2 == "lla" ? 2 : 1) * k; rows += r * k }
    END { printf "instructions %d\nrows %d\n", i, rows }' "$SRC/$n.S")
  [ "$sum" = "$(head -2 "$EJ/$n.rows")" ] || { log "$n: the source's row notes add up to $(echo $sum) instead"; fail=1; }
done
for n in jolt_mix1 jolt_mix2; do put "$EJ/$n.stdout" ''; done
for n in jolt_mix1 jolt_mix2 jolt_cycles; do
  put "$EJ/$n.exit" '0\n'
  put "$EJ/$n.options" '--platform jolt --trap machine\n'
done

sha_abc=$(printf 'abc' | sha256sum | cut -d' ' -f1)
put "$EJ/jolt_inline_sha256.stdout" "sha256 iv: $sha_abc\nsha256 in place: $sha_abc\n"
hex2bin "$sha_abc$sha_abc" > "$EJ/jolt_inline_sha256.output"
# Keccak-256("abc") (Ethereum's Keccak, padding 0x01) and Keccak-f[1600] of the zero state,
# from a Python Keccak-f whose SHA3-256("abc") matches hashlib's
keccak_abc=4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45
keccak_zero=e7dde140798f25f18a47c033f9ccd584eea95aa61e2698d54d49806f304715bd57d05362054e288bd46f8e7f2da497ffc44746a4a0e5fe90762e19d60cda5b8c9c05191bf7a630ad64fc8fd0b75a933035d617233fa95aeb0321710d26e6a6a95f55cfdb167ca58126c84703cd31b8439f56a5111a2ff20161aed9215a63e505f270c98cf2febe641166c47b95703661cb0ed04f555a7cb8c832cf1c8ae83e8c14263aae22790c94e409c5a224f94118c26504e72635f5163ba1307fe944f67549a2ec5c7bfff1ea
put "$EJ/jolt_inline_keccak.stdout" "keccak256(abc): $keccak_abc\nkeccak-f(0) lane 0: ${keccak_zero:0:16}\n"
hex2bin "$keccak_abc$keccak_zero" > "$EJ/jolt_inline_keccak.output"
for n in jolt_inline_sha256 jolt_inline_keccak; do
  put "$EJ/$n.exit" '0\n'
  put "$EJ/$n.options" '--platform jolt --trap machine\n'
done

# -------------------------------------------------------------------------- Spike
# spike_htif under qemu's Spike machine (Debian's qemu-system-misc): its HTIF console is
# stdout and its exit status is the HTIF exit code (payload >> 1)
if command -v qemu-system-riscv64 >/dev/null; then
  set +e
  timeout 60 qemu-system-riscv64 -machine spike -nographic -bios none -kernel "$GUESTS/bin/spike/spike_htif" \
    </dev/null >"$ES/spike_htif.stdout" 2>"$ES/spike_htif.stderr"
  echo $? > "$ES/spike_htif.exit"
  set -e
  put "$ES/spike_htif.options" '--platform spike --trap machine\n'
else
  log "qemu-system-riscv64 missing (Debian: qemu-system-misc): expected/spike/spike_htif.* not written"; fail=1
fi

# spike_hello: its Linux build is the reference; the Spike-linked binary must print the same
musl_cc_linux() { "$CC" -O2 -Wall -fno-pie -no-pie -Wl,--build-id=none -o "$@"; }
musl_cc_linux "$WORK/obj/spike_hello_linux.elf" "$SRC/spike_hello.c"
qemu_user "$WORK/obj/spike_hello_linux.elf" "$ES/spike_hello"
put "$ES/spike_hello.options" '--platform spike --trap host\n'
qemu_user "$GUESTS/bin/spike/spike_hello" "$WORK/spike_hello.spike-linked"
cmp -s "$WORK/spike_hello.spike-linked.stdout" "$ES/spike_hello.stdout" &&
  cmp -s "$WORK/spike_hello.spike-linked.exit" "$ES/spike_hello.exit" ||
  { log "spike_hello linked for Spike prints differently from its Linux build under qemu-riscv64"; fail=1; }

for f in "$EJ"/*.exit "$ES"/*.exit; do
  n=$(basename "$f" .exit)
  log "$(printf '%-28s exit=%s' "$n" "$(cat "$f")")"
done
