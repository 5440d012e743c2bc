# guests/lib.sh — what the guest build scripts share (sourced by guests/build.sh,
# guests/build-glibc.sh and guests/go/build.sh): checking an ELF for floating point and
# recording a reference run under qemu-riscv64.

fpcount() { # fpcount ELF: the number of F/D/Q instructions or FP CSR accesses in an ELF
  riscv64-linux-gnu-objdump -d -M no-aliases "$1" | awk -F'\t' 'NF>=3 {m=$3; gsub(/ /,"",m);
    if ((m ~ /^f/ && m !~ /^fence/) || m ~ /^c\.f/ || $4 ~ /(fflags|frm|fcsr)/) n++} END {print n+0}'
}

syscalls_of() { # syscalls_of LOG: "name count" lines from a qemu-riscv64 -strace log; calls
  # qemu has no name for ("Unknown syscall N") are listed as unknown_N
  { grep -oE '(^|[^0-9a-z_])[0-9]+ ([a-z_][a-z0-9_]*\(|Unknown syscall [0-9]+)' "$1" || true; } |
    sed -E 's/^[^0-9]*[0-9]+ //; s/\($//; s/^Unknown syscall /unknown_/' | sort | uniq -c | sort -k1,1nr -k2 |
    awk '{printf "%s %s\n", $2, $1}'
}

# qemu_reference ELF OUT SCRATCH_PARENT: run ELF under qemu-riscv64 and record what it did as
# OUT.stdout, OUT.stderr, OUT.exit (the status as a number; 128+N when killed by signal N) and
# OUT.syscalls. The run gets `env -i` plus the array REF_ENV, the arguments in the array
# REF_ARGS, stdin from REF_STDIN (default /dev/null), and as its working directory an empty
# scratch directory (made in SCRATCH_PARENT, removed afterwards) holding a copy of guests/data
# as data/ unless REF_DATA=0. REF_STDERR_SED, when set, is a sed -E script applied to stderr.
# Sets REF_RC to the exit status.
qemu_reference() {
  local elf=$1 out=$2 parent=$3 scratch qemu
  qemu=$(command -v qemu-riscv64)
  mkdir -p "$parent"
  scratch=$(mktemp -d "$parent/run.XXXXXX")
  mkdir "$scratch/cwd"
  # (data/ is beside this file: guests/data)
  [ "${REF_DATA:-1}" = 1 ] && [ -d "$GUESTS_LIB_DIR/data" ] && cp -R "$GUESTS_LIB_DIR/data" "$scratch/cwd/data"
  # Run the program directly (no shell in between) so a fatal signal shows as 128+N; the
  # outer 2>/dev/null only silences bash's own "Segmentation fault" job report.
  set +e
  { (cd "$scratch/cwd" && ulimit -c 0 && exec timeout 600 env -i ${REF_ENV[@]+"${REF_ENV[@]}"} "$qemu" \
      -strace -D "$scratch/strace.log" "$elf" ${REF_ARGS[@]+"${REF_ARGS[@]}"} \
      <"${REF_STDIN:-/dev/null}" >"$out.stdout" 2>"$scratch/stderr"); } 2>/dev/null
  REF_RC=$?
  set -e
  # keep only what the guest wrote: drop qemu's own "uncaught target signal" report
  { grep -v '^qemu: uncaught target signal' "$scratch/stderr" || true; } |
    if [ -n "${REF_STDERR_SED:-}" ]; then sed -E -f "$REF_STDERR_SED"; else cat; fi > "$out.stderr"
  echo "$REF_RC" > "$out.exit"
  syscalls_of "$scratch/strace.log" > "$out.syscalls"
  rm -rf "$scratch"
}

GUESTS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
