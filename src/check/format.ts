import type { CheckReport } from './check.js';

const LABEL = 10;
const line = (label: string, text: string) => `${label.padEnd(LABEL)}${text}`;
const indent = (text: string) => ' '.repeat(LABEL) + text;

/** The report as `zeroos check` prints it without --json. */
export function formatCheckReport(report: CheckReport): string {
  const { program, platform, code, isa, syscalls, layout } = report;
  const out: string[] = [];
  out.push(`zeroos check ${program.path} --platform ${platform.name}${platform.trapMode === 'host' ? '' : ` --trap ${platform.trapMode}`}`);
  out.push(
    line(
      'verdict',
      report.runs
        ? `should run on ${platform.name}${report.warnings.length ? ` (${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'})` : ''}`
        : `will not run on ${platform.name}: ${report.reasons.length} reason${report.reasons.length === 1 ? '' : 's'}`,
    ),
  );
  out.push('');
  out.push(
    line(
      'program',
      `${program.type === 'exec' ? 'ET_EXEC' : 'static-pie'}, entry ${program.entry}, e_flags ${program.flags} (${program.floatAbi === 'soft' ? 'soft-float' : `${program.floatAbi}-float`} ABI${program.rvc ? ', RVC' : ''}${program.rve ? ', RV64E' : ''})${program.interpreter ? `, needs ${program.interpreter}` : ''}`,
    ),
  );
  out.push(
    line(
      'code',
      `${code.instructions} instructions (${code.compressed} compressed) in ${code.regions.map((r) => `${r.name} [${r.start}, ${r.end})`).join(', ')}${code.source === 'segments' ? ' (no section headers: executable segments)' : ''}${code.padding ? `; ${code.padding} padding halfwords` : ''}${code.undecodable.count ? `; ${code.undecodable.count} undecodable` : ''}`,
    ),
  );
  out.push(line('hart', isa.hart.join(', ')));
  out.push(line('ISA', isa.extensions.map((e) => `${e.name} ${e.count}${e.status === 'ok' ? '' : ` (${e.status})`}`).join(', ') || 'no instructions'));
  for (const e of isa.extensions) {
    if (e.status === 'ok' && !['F', 'D', 'Q', 'Zfh', 'V', 'privileged', 'custom', 'Zba', 'Zbb', 'Zbs', 'Zbc'].includes(e.name)) continue;
    const mnemonics = Object.entries(e.mnemonics);
    out.push(indent(`${e.name}: ${mnemonics.slice(0, 8).map(([m, n]) => `${m} ×${n}`).join(', ')}${mnemonics.length > 8 ? ', ...' : ''}`));
  }
  out.push(
    line(
      'CSRs',
      isa.csrs.length === 0
        ? 'none'
        : isa.csrs.map((c) => `${c.name ?? c.number}${c.name ? ` (${c.number})` : ''}${c.status === 'ok' ? '' : ` ${c.status}`}`).join(', '),
    ),
  );
  const s = syscalls.static;
  out.push(
    line(
      'syscalls',
      `${s.sites} ecall site${s.sites === 1 ? '' : 's'}, ${s.sites - s.unknown.length} with a known number, ${s.unknown.length} unknown; ${syscalls.servedBy === 'zeroos' ? 'served by ZeroOS' : "served by the guest's own trap handler (trap mode machine)"}; marks from ${syscalls.table}`,
    ),
  );
  for (const c of s.calls) out.push(indent(syscallLine(c.nr, c.name, c.support, `${c.sites.length} site${c.sites.length === 1 ? '' : 's'}`, c.note)));
  if (syscalls.run) {
    const r = syscalls.run;
    const ended = r.stopped ? `stopped by ${r.stopped.error}` : `exited with ${r.exitCode}${r.signal === undefined ? '' : ` (signal ${r.signal})`}`;
    out.push(line('run', `${[r.args.length ? `args ${JSON.stringify(r.args)}` : 'no args'].join('')}: ${ended} after ${r.instructions} instructions (budget ${r.budget}); ${r.stdoutBytes} bytes on stdout, ${r.stderrBytes} on stderr`));
    for (const c of r.calls) out.push(indent(syscallLine(c.nr, c.name, c.support, `×${c.count}`, c.note)));
  }
  out.push(
    line(
      'layout',
      layout.fits === null
        ? 'not judged: the platform did not load the program (see the reasons)'
        : layout.fits
        ? `fits: ${layout.needs.map((n) => `[${n.start}, ${n.end})`).join(', ')} inside ${layout.offers.map((o) => `${o.name} [${o.start}, ${o.end})`).join(', ')}`
        : `does not fit${layout.offers.length ? `: images go in ${layout.offers.map((o) => `${o.name} [${o.start}, ${o.end})`).join(', ')}` : ''}`,
    ),
  );
  if (layout.relink) for (const l of layout.relink.split('\n')) out.push(indent(l));
  if (report.reasons.length) {
    out.push('', 'reasons it will not run:');
    for (const r of report.reasons) out.push(`  - [${r.kind}] ${r.message}`);
  }
  if (report.warnings.length) {
    out.push('', 'warnings:');
    for (const w of report.warnings) out.push(`  - [${w.kind}] ${w.message}`);
  }
  return out.join('\n') + '\n';
}

function syscallLine(nr: number, name: string, support: string, where: string, note: string | undefined): string {
  return `${String(nr).padStart(4)}  ${name.padEnd(22)} ${support.padEnd(8)} ${where}${note ? `  (${note})` : ''}`;
}
