#!/usr/bin/env bash
# guests/go/build.sh — build the Go guest guests/bin/go_demo and record what qemu-riscv64
# prints for each of its commands (guests/README.md, "Go guest").
#
#   bash guests/go/build.sh        (guests/build.sh calls it; GO=0 there skips it)
#
# 1. installs Debian's golang-go if `go` is missing, and checks it is Go 1.19 (the pinned
#    toolchain: GO_VERSION below; another release would make another binary),
# 2. builds the one multi-command program from guests/go/*.go: static (CGO_ENABLED=0),
#    GOOS=linux GOARCH=riscv64 (RV64GC, lp64d), -trimpath, no DWARF or symbol table
#    (-s -w; Go's own pclntab still names functions in tracebacks), no VCS stamp, and
#    a fixed build ID, so a rebuild is byte-identical and the .note.go.buildid note (by
#    which the kernel recognises a Go program) stays,
# 3. unless RUN=0, runs each line of runs.tsv under qemu-riscv64 in an empty scratch
#    working directory with exactly the environment in run.env, and records
#    guests/expected/go_demo.<name>.{stdout,stderr,exit,syscalls}; stderr passes through
#    normalise.sed (traceback addresses and goroutine ids).
#
# Environment: GUESTS_CACHE (scratch and logs; default as guests/build.sh), SKIP_APT=1,
# RUN=0, RUNS="name ..." (record only these runs of runs.tsv, leaving the others' files).
set -euo pipefail

GO_VERSION=go1.19.8                 # Debian bookworm's golang-1.19 (1.19.8-2)
HERE=$(cd "$(dirname "$0")" && pwd)
GUESTS=$(dirname "$HERE")
BIN=$GUESTS/bin
EXP=$GUESTS/expected
CACHE=${GUESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zeroos-guests}
RUN=${RUN:-1}
RUNS=${RUNS:-}
NAME=go_demo
mkdir -p "$CACHE/logs" "$CACHE/go" "$BIN"
log() { printf '[guests/go %s] %s\n' "$(date +%T)" "$*" >&2; }

# ----------------------------------------------------------- 1. toolchain
if ! command -v go >/dev/null; then
  [ "${SKIP_APT:-0}" = 1 ] && { log "go is missing (apt-get install golang-go)"; exit 1; }
  log "apt-get install golang-go"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends golang-go \
    >"$CACHE/logs/apt-golang.log" 2>&1 || { tail -20 "$CACHE/logs/apt-golang.log"; exit 1; }
fi
have=$(go env GOVERSION)
case "$have" in
  go1.19|go1.19.*) ;;
  *) log "need Go 1.19 (pinned $GO_VERSION), found $have"; exit 1 ;;
esac
[ "$have" = "$GO_VERSION" ] || log "note: $have, the committed binary was built with $GO_VERSION"

# ------------------------------------------------------------------ 2. build
# Everything that could leak the build machine into the binary is fixed: paths (-trimpath),
# VCS state (-buildvcs=false), the build ID; the module needs nothing from a proxy.
export CGO_ENABLED=0 GOOS=linux GOARCH=riscv64 GOFLAGS= GOPROXY=off GO111MODULE=on \
  GOCACHE="$CACHE/go/build-cache" GOPATH="$CACHE/go/path" GOENV=off
(cd "$HERE" && go build -trimpath -buildvcs=false -ldflags="-s -w -buildid=zeroos-go-demo" -o "$CACHE/$NAME.elf" .) \
  2>"$CACHE/logs/$NAME.build.log" || { log "FAILED: $NAME"; sed 's/^/    /' "$CACHE/logs/$NAME.build.log" >&2; exit 1; }
install -m 755 "$CACHE/$NAME.elf" "$BIN/$NAME"
rm -f "$CACHE/$NAME.elf"
hdr=$(riscv64-linux-gnu-readelf -h "$BIN/$NAME")
grep -q 'Flags:.*double-float ABI' <<<"$hdr" || { log "$NAME: not lp64d"; exit 1; }
grep -q 'Type:.*EXEC' <<<"$hdr" || { log "$NAME: not ET_EXEC"; exit 1; }
phdrs=$(riscv64-linux-gnu-readelf -lW "$BIN/$NAME")
grep -qE 'INTERP|DYNAMIC' <<<"$phdrs" && { log "$NAME: not static"; exit 1; }
riscv64-linux-gnu-readelf -n "$BIN/$NAME" | grep -q 'GO BUILDID' || { log "$NAME: no Go build-ID note"; exit 1; }
log "$NAME: $(stat -c %s "$BIN/$NAME") bytes, $have, sha256 $(sha256sum "$BIN/$NAME" | cut -c1-16)"

# --------------------------------------------------- 3. qemu reference runs
[ "$RUN" = 1 ] || exit 0
# qemu_reference (guests/lib.sh): no data/ in the working directory (the files command lists
# it), stderr tracebacks normalised by normalise.sed
. "$HERE/../lib.sh"
mapfile -t REF_ENV < <(grep -v '^[[:space:]]*$' "$HERE/run.env")
REF_DATA=0 REF_STDERR_SED=$HERE/normalise.sed
while IFS=$'\t' read -r -a fields; do
  [ ${#fields[@]} -gt 0 ] && [[ ${fields[0]} != \#* ]] || continue
  run=${fields[0]}; args=("${fields[@]:1}")
  [ -z "$RUNS" ] || [[ " $RUNS " == *" $run "* ]] || continue
  REF_ARGS=("${args[@]}")
  qemu_reference "$BIN/$NAME" "$EXP/$NAME.$run" "$CACHE/go"
  rc=$REF_RC
  log "$(printf '%-22s exit=%s' "$NAME.$run" "$rc")"
done < "$HERE/runs.tsv"
