// The `--kallsyms` files of load and trace, and how their vmlinux exports are told apart.
//
// find_symbol() (kernel/module/main.c, 6.1) resolves a module's undefined symbols against
// exports only, and every EXPORT_SYMBOL leaves a `__ksymtab_NAME` line in /proc/kallsyms. A
// whole dump therefore says exactly what is exported ('ksymtab' mode). A partial file — only the
// lines of the symbols some modules use, with a few `__ksymtab_` lines kept by chance — says
// nothing about the others; read exactly, every symbol without its line would be "Unknown
// symbol". So the files are judged as a whole:
//
//   exact ('ksymtab') iff   __ksymtab_ lines  ≥  (global text symbols, `T` lines) / 20
//
// Debian's 6.1 vmlinux exports 10,503 symbols (its Module.symvers) among some 50,000 global
// text symbols: a whole dump has a ratio near 1/5. A table that keeps the __ksymtab_ line of
// every export it lists (the shipped public/samples/vmlinux.kallsyms: 1,901 for 1,822 `T`)
// is above 1. The oracle's partial vmlinux.kallsyms (24 for 1,822) is at 1/76, and a kernel
// whose kallsyms shows no __ksymtab_ lines at all is at 0. 1/20 sits four times below the
// first and four times above the third. Otherwise ('globals') any global of the name resolves,
// and the command says once that exports could not be checked. `--exports` overrides.
import { readFileSync } from 'node:fs';
import { kernelChoices } from '../engine/kernels.ts';
import { type KallsymsEntry, parseKallsyms } from '../kernel/kallsyms.ts';
import type { KernelId } from '../kernel/profile.ts';
import { CliError } from './io.ts';

export type ExportsMode = 'ksymtab' | 'globals';

/** The shipped vmlinux table of a kernel profile: the default of `--kallsyms`. */
export const shippedVmlinuxTable = (kernel: KernelId): URL =>
  new URL(`../../public/samples/${kernelChoices[kernel].kallsyms}`, import.meta.url);

export interface SymbolFiles {
  vmlinux: KallsymsEntry[];
  /** `[module]` lines: modules taken as loaded. */
  modules: KallsymsEntry[];
  exports: ExportsMode;
  /** Why exports are not checked, when the files decided it: the notice to print once. */
  notice?: string;
}

/** The ratio rule above, over every vmlinux line of the files. */
function exportsModeOf(vmlinux: KallsymsEntry[]): { mode: ExportsMode; ksymtab: number; text: number } {
  let ksymtab = 0;
  let text = 0;
  for (const e of vmlinux) {
    if (e.name.startsWith('__ksymtab_')) ksymtab++;
    else if (e.type === 'T') text++;
  }
  return { mode: ksymtab * 20 >= text ? 'ksymtab' : 'globals', ksymtab, text };
}

/** vmlinux lines and `[module]` lines of the given kallsyms files (default: the kernel's shipped table). */
export function readKallsyms(paths: string[], exports: ExportsMode | undefined, kernel: KernelId): SymbolFiles {
  const files = paths.length ? paths : [shippedVmlinuxTable(kernel)];
  const vmlinux: KallsymsEntry[] = [];
  const modules: KallsymsEntry[] = [];
  for (const p of files) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      throw new CliError(`${String(p)}: cannot read kallsyms file`);
    }
    for (const e of parseKallsyms(text)) (e.module ? modules : vmlinux).push(e);
  }
  if (exports) return { vmlinux, modules, exports };
  const judged = exportsModeOf(vmlinux);
  if (judged.mode === 'ksymtab') return { vmlinux, modules, exports: 'ksymtab' };
  return {
    vmlinux,
    modules,
    exports: 'globals',
    notice:
      `klp-lab: partial kallsyms (${judged.ksymtab} __ksymtab_ lines for ${judged.text} global text symbols): ` +
      'exports could not be checked, a global of the name resolves (--exports ksymtab to require them)',
  };
}
