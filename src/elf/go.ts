/**
 * Recognising an executable built by Go's toolchain, from its build-ID note: the Go linker
 * writes a `.note.go.buildid` section (an ELF note with owner "Go" and type 4,
 * NT_GO_BUILDID) and a PT_NOTE segment over it. The kernel runs such a program with a
 * default quantum, because Go's runtime relies on preemption (see DEFAULT_GO_QUANTUM).
 *
 * Only headers and notes are read; anything malformed simply means "not Go" (the loader
 * reports a bad executable on its own).
 */

/** Owner of Go's notes, as the name field holds it. */
const GO_NOTE_OWNER = 'Go';
/** NT_GO_BUILDID: the note carrying `go build`'s build ID. */
export const NT_GO_BUILDID = 4;
const PT_NOTE = 4;
const SHT_NOTE = 7;

/** The Go build ID of an ELF64 little-endian executable, or undefined when it has none. */
export function goBuildId(bytes: Uint8Array): string | undefined {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return undefined;
  if (bytes[4] !== 2 || bytes[5] !== 1) return undefined; // ELFCLASS64, ELFDATA2LSB
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (offset: number) => Number(view.getBigUint64(offset, true));
  // Program headers first (what a loader sees), then section headers (a PT_NOTE may be stripped).
  const phoff = u64(32);
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  for (let i = 0; i < phnum && phentsize >= 56; i++) {
    const at = phoff + i * phentsize;
    if (at + 56 > bytes.length) break;
    if (view.getUint32(at, true) !== PT_NOTE) continue;
    const id = goNoteIn(view, u64(at + 8), u64(at + 32));
    if (id !== undefined) return id;
  }
  const shoff = u64(40);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  for (let i = 0; i < shnum && shentsize >= 64 && shoff > 0; i++) {
    const at = shoff + i * shentsize;
    if (at + 64 > bytes.length) break;
    if (view.getUint32(at + 4, true) !== SHT_NOTE) continue;
    const id = goNoteIn(view, u64(at + 24), u64(at + 32));
    if (id !== undefined) return id;
  }
  return undefined;
}

/** True when `bytes` is an executable Go's linker made (it carries a Go build-ID note). */
export function isGoExecutable(bytes: Uint8Array): boolean {
  return goBuildId(bytes) !== undefined;
}

/** Walks the notes in [offset, offset+size) of the file: the first Go build ID. */
function goNoteIn(view: DataView, offset: number, size: number): string | undefined {
  const end = Math.min(offset + size, view.byteLength);
  let at = offset;
  while (Number.isSafeInteger(at) && at + 12 <= end) {
    const namesz = view.getUint32(at, true);
    const descsz = view.getUint32(at + 4, true);
    const type = view.getUint32(at + 8, true);
    const name = at + 12;
    const desc = name + align4(namesz);
    const next = desc + align4(descsz);
    if (next > end) return undefined;
    if (type === NT_GO_BUILDID && namesz >= 2 && namesz <= 4 && text(view, name, namesz) === GO_NOTE_OWNER) {
      return text(view, desc, descsz);
    }
    at = next;
  }
  return undefined;
}

const align4 = (n: number) => (n + 3) & ~3;

/** Bytes as Latin-1 text, without trailing NULs. */
function text(view: DataView, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint8(offset + i));
  return s.replace(/\0+$/, '');
}
