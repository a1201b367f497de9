// simplify_symbols() and resolve_symbol() of kernel/module/main.c (6.1): turn every symbol's
// st_value into an address — section symbols by their section's new address, undefined ones
// by exports of vmlinux and of loaded modules; SHN_LIVEPATCH is left to livepatch.
import { SHN_ABS, SHN_COMMON, SHN_LIVEPATCH, SHN_UNDEF, STB_WEAK } from '../../elf/constants.ts';
import { ENOENT, ENOEXEC } from '../errno.ts';
import type { Kernel } from '../kernel_types.ts';
import { U64_MAX } from '../limits.ts';
import { type LoadError, loadError } from '../load_error.ts';
import type { LoadInfo, Module } from './types.ts';

/**
 * A vmlinux symbol's address: the table's, or the one fakeMissingSymbols gave it when a module
 * named it — where that module's calls and jumps to it were relocated (its `jmp
 * __x86_return_thunk`, its `call __fentry__`).
 */
export const vmlinuxSymbol = (k: Kernel, name: string): bigint | undefined =>
  k.vmlinux.addressOf(name) ?? k.inventedSymbols.get(name);

/** Where invented symbols go: the top of the address space, above the fixmap, never a module or vmlinux address. */
const FAKE_SYMBOL_BASE = 0xfffffffffe000000n;

/** find_symbol(): an export of vmlinux or of a module that is at least COMING. */
function find_symbol(k: Kernel, name: string): { value: bigint; owner: string } | undefined {
  const v = k.vmlinux.findExport(name);
  if (v) return { value: v.addr, owner: 'vmlinux' };
  for (const m of k.modules) {
    if (m.state === 'UNFORMED' || m.state === null) continue;
    const value = m.exports.get(name);
    if (value !== undefined) return { value, owner: m.name };
  }
  return k.externalExports.get(name);
}

export function simplify_symbols(k: Kernel, mod: Module, info: LoadInfo): LoadError | null {
  let err: LoadError | null = null;
  k.trace.call('simplify_symbols', () => {
    k.trace.step('resolve symbols: sections by their new address, undefined ones by exports', {
      module: mod.name,
      file: 'kernel/module/main.c',
    });
    const shnum = info.sechdrs.length;
    for (const sym of info.elf.symbols) {
      if (sym.index === 0) continue;
      switch (sym.shndx) {
        case SHN_COMMON:
          if (sym.name.startsWith('__gnu_lto')) break;
          k.trace.printk('warn', `${mod.name}: please compile with -fno-common`);
          err = loadError(ENOEXEC, 'simplify_symbols', `${mod.name}: please compile with -fno-common`);
          break;
        case SHN_ABS:
        case SHN_LIVEPATCH:
          break;
        case SHN_UNDEF: {
          const found = find_symbol(k, sym.name);
          if (found) {
            mod.symbolValues[sym.index] = found.value;
            k.trace.emit({
              kind: 'symbol',
              module: mod.name,
              name: sym.name,
              index: sym.index,
              value: found.value,
              how: `exported by ${found.owner}`,
            });
            break;
          }
          if (sym.bind === STB_WEAK) break;
          if (k.fakeMissingSymbols) {
            let value = k.inventedSymbols.get(sym.name);
            if (value === undefined) {
              value = FAKE_SYMBOL_BASE + BigInt(k.inventedSymbols.size * 16);
              k.inventedSymbols.set(sym.name, value);
            }
            mod.symbolValues[sym.index] = value;
            k.trace.emit({
              kind: 'symbol',
              module: mod.name,
              name: sym.name,
              index: sym.index,
              value,
              how: 'invented (no table provides it)',
            });
            break;
          }
          const msg = `${mod.name}: Unknown symbol ${sym.name} (err ${-ENOENT})`;
          k.trace.printk('warn', msg);
          err = loadError(ENOENT, 'simplify_symbols', msg);
          break;
        }
        default: {
          if (k.profile.symbolSectionIndexCheck && sym.shndx >= shnum) {
            const msg = `${mod.name}: Symbol ${sym.name} has an invalid section index ${sym.shndx} (max ${shnum - 1})`;
            k.trace.printk('err', msg);
            err = loadError(ENOEXEC, 'simplify_symbols', msg);
            break;
          }
          const secbase =
            sym.shndx === info.index.pcpu && info.index.pcpu ? mod.percpu : (info.sechdrs[sym.shndx]?.addr ?? 0n);
          mod.symbolValues[sym.index] = (sym.value + secbase) & U64_MAX;
        }
      }
    }
  });
  return err;
}
