// Every relocation write the trace records must say exactly what apply_relocate_add() did: the
// entry it came from (section, index, type, addend, symbol), S, P = the place, the value, and the
// bytes (zero before, the value little-endian after). The fast path records these as 32-bit
// halves; this checks them against the ELF file and the loaded module, entry by entry.
import { describe, expect, it } from 'vitest';
import { R_X86_64_PC32, R_X86_64_PC64, R_X86_64_PLT32 } from '../../../elf/constants.ts';
import { decodeModule } from '../../../module_file.ts';
import { oracleKo } from '../../../test_support/oracle.ts';
import { writeAt } from '../../../trace/write_log.ts';
import { Kernel } from '../../kernel.ts';
import { load_module } from '../../module/main.ts';
import type { KernelId } from '../../profile.ts';

const U64 = (1n << 64n) - 1n;
const PCREL = new Set([R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64]);

describe.each([
  ['fat.ko', '6.1'],
  ['loop.ko', '5.4'],
] as Array<[string, KernelId]>)('recorded relocation writes of %s on %s', (file, kernel) => {
  it('match their ELF entries, the symbol values and the bytes written', async () => {
    const opened = await decodeModule(oracleKo(file), file);
    if (!opened.ok) throw new Error(opened.error.message);
    const { elf } = opened.module;
    const k = new Kernel({ kernel, vmlinux: [], moduleSymbols: [], fakeMissingSymbols: true });
    const r = load_module(k, opened.bytes, elf);
    expect(r.ok).toBe(true);
    const log = k.trace.trace.writes;
    const bySection = new Map(elf.relocations.map((s) => [s.sectionIndex, s]));
    const seen = new Map<number, number>();
    for (let row = 0; row < log.length; row++) {
      const w = writeAt(log, row);
      if (!w.cause) continue;
      const c = w.cause;
      const rel = bySection.get(c.relsec)!;
      expect(c.relsecName).toBe(rel.name);
      expect(c.type).toBe(rel.types[c.entry]);
      expect(c.A).toBe(rel.addends[c.entry]);
      const sym = rel.symbols[c.entry]!;
      const s = elf.symbols[sym];
      expect(c.symbol).toBe(s?.name || (s ? elf.sections[s.shndx]?.name : ''));
      expect(c.S).toBe(r.module!.symbolValues[sym] ?? 0n);
      expect(c.P).toBe(w.addr);
      expect(c.value).toBe((c.S + c.A - (PCREL.has(c.type) ? c.P : 0n)) & U64);
      expect([...w.old].every((b) => b === 0)).toBe(true);
      const le = [...w.new].reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
      expect(le).toBe(c.value & ((1n << BigInt(8 * w.new.length)) - 1n));
      seen.set(c.relsec, (seen.get(c.relsec) ?? 0) + 1);
    }
    // one write per entry that is not R_X86_64_NONE, in every SHF_ALLOC section's relocations
    const expected = new Map<number, number>();
    for (const rel of elf.relocations)
      if (seen.has(rel.sectionIndex)) expected.set(rel.sectionIndex, rel.types.filter((t) => t !== 0).length);
    expect(seen).toEqual(expected);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
  });
});
