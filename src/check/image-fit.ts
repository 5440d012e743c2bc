/**
 * Whether a program's image fits a platform, for platforms that do not answer it
 * themselves (`IntegrationSetup.checkImage`): its load segments must each lie inside one of
 * the layout's regions of kind 'image' (the layout once the platform loaded the program,
 * else as set up). A static-pie image is placed at the first image region, as the
 * loader does; only its size must fit then.
 */
import type { CheckedImage, ImageFit, ImageRange, IntegrationSetup } from '../integrations/types.js';
import type { Layout } from '../kernel/contracts/platform.js';

const PAGE = 4096;
const down = (n: number) => Math.floor(n / PAGE) * PAGE;
const up = (n: number) => Math.ceil(n / PAGE) * PAGE;
const hex = (n: number) => '0x' + n.toString(16);

/**
 * The image check of `setup`'s platform: its own `checkImage`, or the default above against
 * `loaded` (the layout once the platform loaded this program, for a platform that settles
 * it then) or else the platform's layout as set up.
 */
export function checkImageFit(platformName: string, setup: IntegrationSetup, image: CheckedImage, loaded?: Layout): ImageFit | undefined {
  return setup.checkImage ? setup.checkImage(image) : defaultImageFit(platformName, setup, image, loaded);
}

/**
 * The default judgement, or undefined when there is nothing to judge against: the program
 * did not load (`loaded` absent) and the platform's layout before loading has no image
 * region (a platform that places the image while loading it).
 */
export function defaultImageFit(platformName: string, setup: IntegrationSetup, image: CheckedImage, loaded?: Layout): ImageFit | undefined {
  const needs: ImageRange[] = image.segments.map((s) => ({ name: `segment ${s.index}`, start: s.start, end: s.end }));
  const layout = loaded ?? (setup.platform as IntegrationSetup['platform'] | undefined)?.layout;
  const offers: ImageRange[] = (layout?.regions ?? []).filter((r) => r.kind === 'image' && r.end > r.start).map((r) => ({ name: r.name, start: r.start, end: r.end }));
  if (offers.length === 0 && loaded === undefined) return undefined;
  const problems: string[] = [];
  if (offers.length === 0) {
    problems.push(
      `platform ${platformName} has no image region for it: the image [${hex(Math.min(...needs.map((n) => n.start)))}, ${hex(Math.max(...needs.map((n) => n.end)))}) was linked for another layout`,
    );
  } else if (!image.fixedAddress) {
    // static-pie: the loader places it at the first image region's start.
    const low = down(Math.min(...needs.map((n) => n.start)));
    const span = up(Math.max(...needs.map((n) => n.end))) - low;
    const region = offers[0]!;
    if (span > region.end - region.start) {
      problems.push(`the position-independent image spans ${hex(span)} bytes, more than image region "${region.name}" [${hex(region.start)}, ${hex(region.end)}) holds`);
    }
  } else {
    for (const need of needs) {
      // Exact bounds: a platform's image region need not be page-aligned (Jolt's ends with
      // the program); the trial load catches what page rounding adds on Linux.
      if (offers.some((r) => need.start >= r.start && need.end <= r.end)) continue;
      problems.push(
        `${need.name} [${hex(need.start)}, ${hex(need.end)}) lies outside the platform's image ${offers.length === 1 ? 'region' : 'regions'} ${offers
          .map((r) => `"${r.name}" [${hex(r.start)}, ${hex(r.end)})`)
          .join(', ')}: it was linked for another layout`,
      );
    }
  }
  return { fits: problems.length === 0, needs, offers, problems, ...(problems.length === 0 ? {} : { relink: relinkAdvice(platformName, setup) }) };
}

/** How to link a program for `platformName`: with its generated linker script when it has one. */
export function relinkAdvice(platformName: string, setup: IntegrationSetup): string {
  if (!setup.linkerScript) {
    return [
      `link a static riscv64 Linux executable with the toolchain's own script (images start at 0x10000), e.g.`,
      `  riscv64-linux-musl-gcc -march=rv64imac -mabi=lp64 -static -o prog prog.c`,
      `  (Rust: --target riscv64gc-unknown-linux-musl with +m,+a,+c, lp64, crt-static)`,
    ].join('\n');
  }
  const script = `${platformName}.ld`;
  return [
    `relink with the platform's linker script (give it the same size options as the run):`,
    `  zeroos linker-script --platform ${platformName} > ${script}`,
    `  C with musl:  riscv64-linux-musl-gcc -march=rv64imac -mabi=lp64 -mcmodel=medany -static -fno-pie -no-pie -Wl,-T,${script} -o prog prog.c`,
    `  bare metal:   riscv64-unknown-elf-gcc -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -nostdlib -static -Wl,-T,${script} -o prog start.S prog.c`,
    `  Rust:         RUSTFLAGS="-C link-arg=-T${script} -C relocation-model=static" cargo build --release`,
  ].join('\n');
}
