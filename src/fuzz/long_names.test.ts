// add_kallsyms() copies each kept symbol's name into the core string table, as each version's
// source does — v6.1's strscpy() the whole name, v5.4's strlcpy(KSYM_NAME_LEN) at most 127
// bytes — and does it in memory bounded by the file, not by the copy: Debian's crc7.ko with
// 1,000 global symbols naming one 1 MiB string (issue #16 §3) makes a 1 GB core string table.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel/kernel.ts';
import { load_module } from '../kernel/module/main.ts';
import type { KernelId } from '../kernel/profile.ts';
import { decodeModule } from '../module_file.ts';
import { craftedInputs, graft } from './crafted.ts';

const crc7 = new Uint8Array(readFileSync(new URL('../elf/__fixtures__/debian/crc7.ko', import.meta.url)));
const NAME = 2 ** 20;
const NAMES = 1000;

async function loadLongNames(kernel: KernelId) {
  const input = craftedInputs('full', crc7).find((c) => c.name === 'base-long-names.ko')!;
  const d = await decodeModule(input.bytes(), input.name);
  if (!d.ok) throw new Error(d.error.message);
  globalThis.gc?.();
  const before = process.memoryUsage();
  const k = new Kernel({ kernel, fakeMissingSymbols: true });
  const r = load_module(k, d.bytes, d.module.elf);
  const after = process.memoryUsage();
  expect(r.error?.message).toBeUndefined();
  const mod = r.module!;
  const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  return { k, mod, grown, strtab: mod.core_layout.base + BigInt(mod.info.stroffs) };
}

/** The core strtab's names, as the offsets in the core symtab say (st_name of each kept symbol). */
function nameOffsets(k: Kernel, symtab: bigint, n: number): number[] {
  const bytes = k.mem.read(symtab, n * 24);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  return Array.from({ length: n }, (_, i) => dv.getUint32(24 * i, true));
}

describe('add_kallsyms() with 1,000 symbols naming one 1 MiB string', () => {
  it('6.1: every name whole (strscpy), in memory bounded by the file, not the 1 GB copy', async () => {
    const { k, mod, grown, strtab } = await loadLongNames('6.1');
    expect(mod.core_layout.size).toBe(1_048_616_960);
    expect(grown).toBeLessThan(64 * 2 ** 20);
    const n = mod.core_kallsyms!.num_symtab;
    const offsets = nameOffsets(k, mod.core_kallsyms!.symtab, n);
    const long = offsets.filter((o, i) => i > 0 && offsets[i + 1] !== undefined && offsets[i + 1]! - o === NAME + 1);
    expect(long.length).toBeGreaterThanOrEqual(NAMES - 1);
    for (const o of [long[0]!, long[500]!, long.at(-1)!]) {
      const head = k.mem.read(strtab + BigInt(o), 64);
      const tail = k.mem.read(strtab + BigInt(o + NAME - 64), 65);
      expect([...head].every((b) => b === 0x61)).toBe(true);
      expect([...tail.subarray(0, 64)].every((b) => b === 0x61)).toBe(true);
      expect(tail[64]).toBe(0);
    }
    // the log holds one write of the whole table and its first page
    const w = k.trace.trace.writes;
    const rows = Array.from({ length: w.length }, (_, i) => i).filter(
      (i) => w.strings[w.what[i]!] === 'core_kallsyms.strtab',
    );
    expect(rows.map((i) => w.size[i])).toEqual([mod.info.core_typeoffs - mod.info.stroffs]);
  });

  it('5.4: 127 bytes and a NUL per name (strlcpy with KSYM_NAME_LEN 128), the rest of its room zero', async () => {
    const { k, mod, strtab } = await loadLongNames('5.4');
    const n = mod.core_kallsyms!.num_symtab;
    const offsets = nameOffsets(k, mod.core_kallsyms!.symtab, n);
    const long = offsets.filter((o, i) => i > 0 && offsets[i + 1] !== undefined && offsets[i + 1]! - o === NAME + 1);
    expect(long.length).toBeGreaterThanOrEqual(NAMES - 1);
    const o = long[1]!;
    const head = k.mem.read(strtab + BigInt(o), 129);
    expect([...head.subarray(0, 127)].every((b) => b === 0x61)).toBe(true);
    expect([...head.subarray(127)]).toEqual([0, 0]);
    expect(k.mem.isZero(strtab + BigInt(o + 128), NAME + 1 - 128)).toBe(true);
  });
});

it('6.1: names whose total wraps the unsigned layout leave strscpy() a count past INT_MAX: it WARNs and copies nothing', async () => {
  // 4,095 symbols naming one 1,048,817-byte string: layout_symtab()'s unsigned int sum wraps, so
  // strtab_size = core_typeoffs - stroffs (unsigned long) is huge; the first strscpy() returns
  // -E2BIG and the loop stops with symbol 0 kept — the kernel loads it, it does not oops
  const len = 1_048_817;
  const names = new Uint8Array(len + 1).fill(0x61);
  names[len] = 0;
  const d = await decodeModule(graft(crc7, { symbols: { count: 4095, names, nameOffset: () => 0 } }), 'wrap.ko');
  if (!d.ok) throw new Error(d.error.message);
  const k = new Kernel({ kernel: '6.1', fakeMissingSymbols: true });
  const r = load_module(k, d.bytes, d.module.elf);
  expect(r.error?.message).toBeUndefined();
  expect(r.module!.info.core_typeoffs).toBeLessThan(r.module!.info.stroffs);
  expect(r.module!.core_kallsyms!.num_symtab).toBe(1);
  const warnings = k.trace.trace.steps
    .flatMap((s) => s.events)
    .filter((e) => e.kind === 'printk' && e.level === 'warn');
  expect(warnings.map((e) => (e.kind === 'printk' ? e.text : ''))).toContain(
    'WARNING: strscpy: count > INT_MAX (add_kallsyms: crc7)',
  );
});

// What the real 6.1.192 kernel did with the same two modules (truth/v6.1/long-names/README.md)
const truth = JSON.parse(readFileSync(new URL('../../truth/v6.1/long-names/facts.json', import.meta.url), 'utf8'));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

it("the real 6.1 kernel: the 1 GB core string table byte for byte, and the wrapped layout loaded with strscpy()'s WARNING", async () => {
  const input = craftedInputs('full', crc7)
    .find((c) => c.name === 'base-long-names.ko')!
    .bytes();
  expect(sha256(input)).toBe(truth.longnames.ko_sha256);
  const d = await decodeModule(input, 'longnames.ko');
  if (!d.ok) throw new Error(d.error.message);
  const k = new Kernel({ kernel: '6.1', fakeMissingSymbols: true, recordWrites: false });
  const r = load_module(k, d.bytes, d.module.elf);
  expect(truth.longnames.insmod_rc).toBe(0);
  expect(r.ok).toBe(true);
  const mod = r.module!;
  expect([mod.core_layout.size, `0x${mod.core_layout.base.toString(16)}`]).toEqual([
    truth.longnames.coresize,
    truth.longnames.core_base,
  ]);
  expect(mod.info.stroffs).toBe(truth.longnames.core_from_stroffs);
  // the emulated image from stroffs to the end, hashed through one reused buffer
  const h = createHash('sha256');
  const buf = new Uint8Array(1 << 20);
  for (let at = mod.info.stroffs; at < mod.core_layout.size; at += buf.length) {
    const chunk = buf.subarray(0, Math.min(buf.length, mod.core_layout.size - at));
    k.mem.readInto(mod.core_layout.base + BigInt(at), chunk);
    h.update(chunk);
  }
  expect(h.digest('hex')).toBe(truth.longnames.core_from_stroffs_sha256);

  const len = 1_048_817;
  const names = new Uint8Array(len + 1).fill(0x61);
  names[len] = 0;
  const wrap = graft(crc7, { symbols: { count: 4095, names, nameOffset: () => 0 } });
  expect(sha256(wrap)).toBe(truth.wrap.ko_sha256);
  expect(truth.wrap.insmod_rc).toBe(0);
  expect(truth.wrap.dmesg.some((l: string) => / WARNING: .* at lib\/string\.c:\d+ strscpy\+/.test(l))).toBe(true);
  const dw = await decodeModule(wrap, 'wrap.ko');
  if (!dw.ok) throw new Error(dw.error.message);
  const kw = new Kernel({ kernel: '6.1', fakeMissingSymbols: true });
  expect(load_module(kw, dw.bytes, dw.module.elf).ok).toBe(true);
  const printed = kw.trace.trace.steps.flatMap((s) => s.events).flatMap((e) => (e.kind === 'printk' ? [e.text] : []));
  expect(printed.some((l) => l.startsWith('WARNING: strscpy'))).toBe(true);
});
