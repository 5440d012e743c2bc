import { describe, expect, it } from 'vitest';
import { SyscallSummary } from '../../src/trace/strace/summary.js';

describe('SyscallSummary', () => {
  describe('.format', () => {
    it('should give strace -c\'s table with instructions for time, sorted by instructions, and a total', () => {
      const summary = new SyscallSummary();
      summary.add({ name: 'read', result: 5n, instructions: 300 });
      summary.add({ name: 'read', result: -11n, instructions: 100 });
      summary.add({ name: 'futex', result: -110n, instructions: 600 });
      summary.add({ name: 'close', result: 0n, instructions: 0 });
      summary.add({ name: 'exit_group', result: undefined, instructions: 0 });
      expect(summary.format()).toBe(
        [
          '% instr  instructions  instr/call     calls    errors syscall',
          '------- ------------- ----------- --------- --------- ----------------',
          '  60.00           600         600         1         1 futex',
          '  40.00           400         200         2         1 read',
          '   0.00             0           0         1           close',
          '   0.00             0           0         1           exit_group',
          '------- ------------- ----------- --------- --------- ----------------',
          ' 100.00          1000         200         5         2 total',
          '',
        ].join('\n'),
      );
    });

    it('should add the cost model\'s columns when calls carry a cost', () => {
      const summary = new SyscallSummary();
      summary.add({ name: 'write', result: 3n, instructions: 10, cost: 40 });
      summary.add({ name: 'write', result: 3n, instructions: 10, cost: 40 });
      const lines = summary.format('cycles').split('\n');
      expect(lines[0]).toBe('% instr  instructions  instr/call     calls    errors        cycles cycles/call syscall');
      expect(lines[2]).toBe(' 100.00            20          10         2                      80          40 write');
    });
  });
});
