import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { JOLT_MACHINE_PROFILE } from '../../arch/riscv64/csr/index.js';
import { HostFileError } from '../../subsystems/vfs/index.js';
import type { Integration, IntegrationOptionValues, IntegrationSetup } from '../types.js';
import { joltCheckImage } from './check-image.js';
import { JoltCostModel } from './cost-model.js';
import { JOLT_MEMORY_OPTIONS, JOLT_RUN_OPTIONS, joltLayoutFor, joltLayoutText, joltLinkerScript, joltMaxTraceLength } from './describe.js';
import { JoltInputTooLarge } from './errors.js';
import { JoltHostServices, joltExtension } from './instructions.js';
import { joltIsa } from './isa.js';
import { joltModule } from './module.js';
import { JoltPlatform } from './platform.js';

/** Jolt (a16z/jolt): its MemoryConfig layout, I/O regions, outcomes, CSR limits, custom instructions and trace-row cost. */
export const joltIntegration: Integration = {
  name: 'jolt',
  summary: "Jolt (a16z/jolt ff9f8c13): Jolt's memory layout and I/O regions, termination and panic words, ISA limits, custom instructions, trace rows as cycles",
  trapModes: ['host', 'machine'],
  options: [...JOLT_MEMORY_OPTIONS, ...JOLT_RUN_OPTIONS],
  setup({ options, trapMode, purpose }) {
    const host = new JoltHostServices();
    const isa = joltIsa([joltExtension(host)]);
    const platform = new JoltPlatform({ values: options, trapMode, isa, ...(purpose === 'run' ? { inputs: readInputs(options) } : {}) });
    const maxTraceLength = joltMaxTraceLength(options);
    const costModel = new JoltCostModel({ maxTraceLength });
    const setup: IntegrationSetup = {
      platform,
      module: joltModule({ platform, costModel, host, maxTraceLength }),
      isa,
      machineProfile: JOLT_MACHINE_PROFILE,
      layoutText: (program) => joltLayoutText(options, program),
      linkerScript: () => joltLinkerScript(options),
      checkImage: (image) => joltCheckImage(options, setup, image),
    };
    return setup;
  },
};

/** The --input, --trusted-advice and --untrusted-advice files, each checked against its region before it is read. */
function readInputs(values: IntegrationOptionValues): { input?: Uint8Array; trustedAdvice?: Uint8Array; untrustedAdvice?: Uint8Array } {
  const layout = joltLayoutFor(values, 0);
  const read = (option: string, key: string, limit: number, sizeOption: string): Uint8Array | undefined => {
    const path = values[key];
    return typeof path === 'string' ? readBounded(option, path, limit, sizeOption) : undefined;
  };
  const input = read('input', 'input', layout.maxInputSize, 'max-input-size');
  const trustedAdvice = read('trusted-advice', 'trustedAdvice', layout.maxTrustedAdviceSize, 'max-trusted-advice-size');
  const untrustedAdvice = read('untrusted-advice', 'untrustedAdvice', layout.maxUntrustedAdviceSize, 'max-untrusted-advice-size');
  return { ...(input ? { input } : {}), ...(trustedAdvice ? { trustedAdvice } : {}), ...(untrustedAdvice ? { untrustedAdvice } : {}) };
}

/** A host file of at most `limit` bytes: its size is checked before anything is read, so a huge file costs nothing. */
function readBounded(option: string, path: string, limit: number, sizeOption: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new HostFileError(path, `read --${option}`, error);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new JoltInputTooLarge(option, path, size, limit, sizeOption);
    // One byte more than the file's size (not the region's: --max-input-size may be large):
    // a file that grew since fstat is seen, and refused if it no longer fits.
    const bytes = new Uint8Array(size + 1);
    let done = 0;
    for (let n; done < bytes.length && (n = readSync(fd, bytes, done, bytes.length - done, null)) > 0; ) done += n;
    if (done > size) throw new Error(`the file grew while it was read (${size} bytes when opened)`);
    return bytes.slice(0, done);
  } catch (error) {
    if (error instanceof JoltInputTooLarge) throw error;
    throw new HostFileError(path, `read --${option}`, error);
  } finally {
    closeSync(fd);
  }
}
