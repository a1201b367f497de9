// apply_relocate_add() is one loop written the kernel's way (write_relocate_entry(), BigInt)
// whose common case goes through AddressSpace.applyRelocationBatch() (32-bit halves, page bytes
// written directly). These tests hold the two to each other and to the ELF file:
//  - both paths write the same bytes and the same trace: every load below runs once with the
//    batch and once with the faithful loop alone, and must come out identical (and so does every
//    sample scenario: src/engine/relocation_paths.test.ts);
//  - every recorded relocation write says exactly what apply_relocate_add() did: the entry it came
//    from (section, index, type, addend, symbol), S, P = the place, the value, and the bytes (zero
//    before, the value little-endian after), checked against the ELF file entry by entry.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { R_X86_64_PC32, R_X86_64_PC64, R_X86_64_PLT32 } from '../../../elf/constants.ts';
import { decodeModule } from '../../../module_file.ts';
import { oracleKo } from '../../../test_support/oracle.ts';
import { traceToJson } from '../../../trace/json.ts';
import { writeAt } from '../../../trace/write_log.ts';
import { Kernel } from '../../kernel.ts';
import { U64_MAX } from '../../limits.ts';
import { AddressSpace } from '../../mm/address_space.ts';
import { load_module } from '../../module/main.ts';
import type { KernelId } from '../../profile.ts';

const PCREL = new Set([R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64]);
const modules: Array<[string, KernelId]> = [
  ['fat.ko', '6.1'],
  ['loop.ko', '5.4'],
];

async function decoded(file: string) {
  const opened = await decodeModule(oracleKo(file), file);
  if (!opened.ok) throw new Error(opened.error.message);
  return opened;
}

/** Entries the batch wrote (or skipped) itself, while `body` runs. */
function batchEntries(body: () => void): number {
  const spy = vi.spyOn(AddressSpace.prototype, 'applyRelocationBatch');
  body();
  const n = spy.mock.calls.reduce((sum, [, from], i) => sum + (spy.mock.results[i]!.value as number) - from, 0);
  spy.mockRestore();
  return n;
}

afterEach(() => vi.restoreAllMocks());

describe('apply_relocate_add fast path writes the same bytes and trace as the faithful one', () => {
  it.each(modules)(
    '%s loaded on %s (memcpy/store while UNFORMED), writes recorded or only counted',
    async (file, kernel) => {
      const { bytes, module } = await decoded(file);
      for (const recordWrites of [true, false]) {
        const load = (batch: boolean) => {
          const k = new Kernel({ kernel, vmlinux: [], moduleSymbols: [], fakeMissingSymbols: true, recordWrites });
          k.mem.relocationBatch = batch;
          const r = load_module(k, bytes, module.elf);
          expect(r.ok).toBe(true);
          const m = r.module!;
          return {
            trace: traceToJson(k.trace.trace),
            core: k.mem.read(m.core_layout.base, m.core_layout.size),
            writesBy: [...k.mem.writesBy],
            counts: k.relocationCounts,
          };
        };
        let batched: ReturnType<typeof load> | undefined;
        const viaBatch = batchEntries(() => {
          batched = load(true);
        });
        let faithful: ReturnType<typeof load> | undefined;
        // the batch took (nearly) every entry in one run, none in the other
        expect(batchEntries(() => (faithful = load(false)))).toBe(0);
        expect(viaBatch).toBeGreaterThan(1000);
        expect(batched!.trace).toBe(faithful!.trace);
        expect(Buffer.from(batched!.core).equals(Buffer.from(faithful!.core))).toBe(true);
        expect(batched!.writesBy).toEqual(faithful!.writesBy);
        expect(batched!.counts).toEqual(faithful!.counts);
      }
    },
  );
});

describe.each(modules)('recorded relocation writes of %s on %s', (file, kernel) => {
  it('match their ELF entries, the symbol values and the bytes written', async () => {
    const opened = await decoded(file);
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
      expect(c.value).toBe((c.S + c.A - (PCREL.has(c.type) ? c.P : 0n)) & U64_MAX);
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
