// toyvm: a small, made-up zkVM integrated with ZeroOS from outside the package, as
// docs/platform-adapters.md builds it step by step. Run a program on it with
//
//   zeroos run --platform ./docs/examples/toyvm.js [--stats] [--ram-size 8M] docs/examples/toyvm_hello
//   zeroos layout --platform ./docs/examples/toyvm.js
//   zeroos linker-script --platform ./docs/examples/toyvm.js > toyvm.ld
//
// The machine it describes:
//   RAM      0x2000_0000, --ram-size bytes (default 4 MiB); the image at its start, the
//            stack (--stack-size, default 64 KiB) at its top; sp starts at the top.
//   devices  one page at 0x1000_0000 that is no memory (an unbacked I/O window):
//              +0x00 CONSOLE  store a byte: it is printed (the guest's stdout)
//              +0x08 EXIT     store a word: the run ends with that status (low 8 bits)
//              +0x10 CYCLES   load: the cycles the run has used so far
//            any other access there is a bus error the prover rejects (exit 82).
//   ending   a store to EXIT. A halt (`j .`) without one proves nothing: exit 81.
//   cost     1 cycle per instruction, 4 per multiply, 16 per divide or remainder;
//            --max-cycles caps a run (past it: exit 82).
//   ISA      RV64IMC: toyvm has no atomics (the A extension is refused, exit 82).
//
// Plain ESM, no build step and no imports: the default export receives the ZeroOS API from
// whoever loads it (the CLI passes its own), so the adapter never loads a second copy.

/** Where things are on toyvm. */
export const TOYVM = Object.freeze({
  ramStart: 0x2000_0000,
  mmioStart: 0x1000_0000,
  mmioSize: 0x1000,
  console: 0x1000_0000,
  exit: 0x1000_0008,
  cycles: 0x1000_0010,
  defaultRamSize: 4 * 2 ** 20,
  defaultStackSize: 64 * 2 ** 10,
});

/** Cycles per instruction, by mnemonic (everything else costs 1). */
export const TOYVM_CYCLES = Object.freeze({
  ...Object.fromEntries(['mul', 'mulh', 'mulhsu', 'mulhu', 'mulw'].map((m) => [m, 4])),
  ...Object.fromEntries(['div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw'].map((m) => [m, 16])),
});

export default function toyvm(zeroos) {
  const { EXIT_CODES, ZeroOSError, MemoryLayout, loadElf, integrationModule, PERM_RW, PERM_RWX } = zeroos;
  const hex = (n) => '0x' + n.toString(16);

  /** A device access toyvm's bus does not answer: its prover would reject the run. */
  class ToyBusError extends ZeroOSError {
    exitCode = EXIT_CODES.zkvmRejected;
  }

  /** The run used more cycles than --max-cycles allows. */
  class ToyCycleLimit extends ZeroOSError {
    exitCode = EXIT_CODES.zkvmRejected;
  }

  /** The layout for a RAM and stack size (MemoryLayout validates it: LayoutError, exit 66). */
  function toyLayout(ramSize, stackSize) {
    const ramEnd = TOYVM.ramStart + ramSize;
    return new MemoryLayout([
      { name: 'mmio', kind: 'io', start: TOYVM.mmioStart, size: TOYVM.mmioSize, perms: PERM_RW },
      { name: 'image', kind: 'image', start: TOYVM.ramStart, end: ramEnd - stackSize, perms: PERM_RWX },
      { name: 'stack', kind: 'stack', start: ramEnd - stackSize, end: ramEnd, perms: PERM_RW },
    ]);
  }

  /** A GNU ld script that puts a program where toyvm loads it. */
  function linkerScript(layout) {
    const image = layout.get('image');
    const stack = layout.get('stack');
    return `/* GNU ld script for toyvm: RAM at ${hex(image.start)}, stack ${hex(stack.start)}..${hex(stack.end)}
   (zeroos linker-script --platform ./docs/examples/toyvm.js) */
OUTPUT_ARCH(riscv)
ENTRY(_start)

MEMORY { RAM (rwx) : ORIGIN = ${hex(image.start)}, LENGTH = ${hex(image.size)} }

__toyvm_console = ${hex(TOYVM.console)};
__toyvm_exit = ${hex(TOYVM.exit)};
__toyvm_cycles = ${hex(TOYVM.cycles)};
__stack_bottom = ${hex(stack.start)};
__stack_top = ${hex(stack.end)};

SECTIONS
{
  .text : { KEEP(*(.text.boot)) *(.text .text.*) } > RAM
  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) } > RAM
  .data : { *(.data .data.* .sdata .sdata.*) } > RAM
  .bss : { __bss_start = .; *(.sbss .sbss.* .bss .bss.* COMMON) __bss_end = .; } > RAM
}

ASSERT(__bss_end <= __stack_bottom, "toyvm: the image runs into the stack (raise --ram-size)")
`;
  }

  return {
    name: 'toyvm',
    summary: 'toyvm, a small example zkVM (docs/platform-adapters.md): RAM at 0x2000_0000, MMIO console and exit words, cycles',
    trapModes: ['host', 'machine'],
    options: [
      { name: 'ram-size', kind: 'size', positive: true, description: 'toyvm RAM in bytes', defaultText: '4M' },
      { name: 'stack-size', kind: 'size', positive: true, description: 'toyvm stack at the top of RAM', defaultText: '64K' },
      { name: 'max-cycles', kind: 'count', positive: true, description: 'most cycles a toyvm proof covers', defaultText: 'none', commands: ['run'] },
    ],

    setup({ options }) {
      const layout = toyLayout(options.ramSize ?? TOYVM.defaultRamSize, options.stackSize ?? TOYVM.defaultStackSize);
      const stack = layout.get('stack');

      // What this run has seen, for the report.
      const seen = { consoleBytes: 0, exitCode: undefined, haltPc: undefined };
      let cyclesOf = new Uint8Array(128).fill(1); // by op id, filled in at boot from the hart's ISA
      let cycles = () => 0;

      const platform = {
        name: 'toyvm',
        layout,
        bootstrap({ memory, hart, executable }) {
          const image = loadElf(executable, memory, layout);
          memory.map(stack.start, stack.size, stack.perms, 'stack');
          hart.pc = image.entry;
          hart.setX(2, BigInt(stack.end)); // sp: bare metal, no argv or auxv on the stack
          return {
            entry: image.entry,
            stackPointer: stack.end,
            imageEnd: image.imageEnd,
            programHeaders: image.programHeaders,
            loadedSegments: image.segments,
          };
        },
        // Reached only when no store to EXIT ended the run first.
        onHalt({ pc }) {
          seen.haltPc = pc;
          return EXIT_CODES.zkvmNoTermination;
        },
      };

      const costModel = {
        name: 'toyvm cycles: 1 per instruction, 4 per multiply, 16 per divide',
        unit: 'cycles',
        cost(op) {
          return cyclesOf[op] ?? 1;
        },
        ...(options.maxCycles === undefined
          ? {}
          : {
              limit: options.maxCycles,
              limitError: (total, pc) => new ToyCycleLimit(`the run needs more than --max-cycles ${options.maxCycles} cycles (${total} at pc ${hex(pc)})`),
            }),
      };

      function onBoot(machine) {
        // Op ids belong to the hart's instruction set: price them by mnemonic once, here.
        cyclesOf = Uint8Array.from(machine.hart.isa.names, (mnemonic) => TOYVM_CYCLES[mnemonic] ?? 1);
        cycles = machine.cost;
        machine.addIoWindow({
          start: TOYVM.mmioStart,
          end: TOYVM.mmioStart + TOYVM.mmioSize,
          backed: false, // device registers, not memory: nothing is mapped there
          read(address, size, pc) {
            if (address === TOYVM.cycles && size === 8) return BigInt(machine.cost());
            if (address === TOYVM.console || address === TOYVM.exit) return 0n;
            throw new ToyBusError(`toyvm has no readable register at ${hex(address)} (${size}-byte load at pc ${hex(pc)})`);
          },
          write(address, size, value, pc) {
            if (address === TOYVM.console) {
              seen.consoleBytes++;
              machine.writeFd(1, Uint8Array.of(Number(value & 0xffn)));
            } else if (address === TOYVM.exit) {
              seen.exitCode = Number(value & 0xffn);
              machine.endRun(seen.exitCode, `store of ${value} to toyvm's EXIT word at pc ${hex(pc)}`);
            } else {
              throw new ToyBusError(`toyvm has no writable register at ${hex(address)} (${size}-byte store at pc ${hex(pc)})`);
            }
          },
        });
      }

      function report() {
        const outcome =
          seen.exitCode !== undefined
            ? { name: 'exited', exitCode: seen.exitCode, detail: `the guest stored ${seen.exitCode} to EXIT: a proof of this run carries that status` }
            : seen.haltPc !== undefined
              ? {
                  name: 'no-exit',
                  exitCode: EXIT_CODES.zkvmNoTermination,
                  detail: `the guest halted at ${hex(seen.haltPc)} without storing to EXIT: toyvm's verifier would reject the proof`,
                }
              : undefined;
        return {
          source: 'toyvm',
          ...(outcome ? { outcome } : {}),
          lines: [
            ['console', `${seen.consoleBytes} bytes through ${hex(TOYVM.console)}`],
            ['exit word', seen.exitCode === undefined ? 'never written' : String(seen.exitCode)],
          ],
          data: { cycles: cycles(), consoleBytes: seen.consoleBytes, exitCode: seen.exitCode ?? null },
        };
      }

      return {
        platform,
        module: integrationModule({ costModel, onBoot, report }),
        isa: { refuse: [{ extension: 'a', reason: 'toyvm has no atomic instructions' }] },
        layoutText: () => `toyvm (RAM ${hex(TOYVM.ramStart)}, devices at ${hex(TOYVM.mmioStart)})\n\n${layout.toTable()}`,
        linkerScript: () => linkerScript(layout),
      };
    },
  };
}
