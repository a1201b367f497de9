// The livepatch name grammar of Documentation/livepatch/module-elf-format.rst, parsed the way
// the kernel's sscanf() calls parse it (6.1: kernel/livepatch/core.c; 5.4 for .klp.arch).
import type { KlpArchName, KlpRelaName, KlpSymbolName } from './types.ts';

const MODULE_NAME_LEN = 56; // objname: %55[^.]
const KSYM_NAME_LEN = 512; // 6.1 symname: %511[^,] (5.4: KSYM_NAME_LEN 128, %127[^,])

/** sscanf's %N[^c]: at least one and at most `max` characters other than `stop`. */
function scanUntil(s: string, from: number, stop: string, max: number): number {
  let i = from;
  while (i < s.length && i - from < max && s[i] !== stop) i++;
  return i === from ? -1 : i;
}

/** `.klp.sym.%55[^.].%511[^,],%lu` — klp_resolve_symbols() needs all three conversions. */
export function parseKlpSymbolName(name: string): KlpSymbolName | undefined {
  const prefix = '.klp.sym.';
  if (!name.startsWith(prefix)) return undefined;
  const objEnd = scanUntil(name, prefix.length, '.', MODULE_NAME_LEN - 1);
  if (objEnd < 0 || name[objEnd] !== '.') return undefined;
  const symEnd = scanUntil(name, objEnd + 1, ',', KSYM_NAME_LEN - 1);
  if (symEnd < 0 || name[symEnd] !== ',') return undefined;
  const sympos = scanUnsignedLong(name, symEnd + 1);
  if (sympos === undefined) return undefined;
  return {
    object: name.slice(prefix.length, objEnd),
    symbol: name.slice(objEnd + 1, symEnd),
    sympos: Number(sympos),
    symposText: sympos.toString(),
  };
}

/**
 * vsscanf()'s %lu (lib/vsprintf.c, 6.1): white space skipped, then decimal digits — no sign —
 * through simple_strntoull(), whose overflow flag vsscanf() ignores: the value wraps modulo 2^64.
 */
function scanUnsignedLong(s: string, from: number): bigint | undefined {
  let i = from;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) return undefined;
  return BigInt(s.slice(start, i)) & 0xffffffffffffffffn;
}

/**
 * `.klp.rela.<objname>.<section>`: klp_apply_section_relocs() reads the object with
 * `.klp.rela.%55[^.]`; the rest names the section that sh_info points at, e.g. `.text`.
 */
export function parseKlpRelaName(name: string): KlpRelaName | undefined {
  return parseObjectSection(name, '.klp.rela.');
}

/** `.klp.arch.%55[^.].%127s` (5.4 arch/x86/kernel/livepatch.c). */
export function parseKlpArchName(name: string): KlpArchName | undefined {
  return parseObjectSection(name, '.klp.arch.');
}

function parseObjectSection(name: string, prefix: string): { object: string; section: string } | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const objEnd = scanUntil(name, prefix.length, '.', MODULE_NAME_LEN - 1);
  if (objEnd < 0) return undefined;
  return { object: name.slice(prefix.length, objEnd), section: name.slice(objEnd + 1) };
}
