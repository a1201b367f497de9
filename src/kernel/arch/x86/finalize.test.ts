// The bytes the real 6.1.192 kernel left in memory after loading 12 Debian modules
// (truth/v6.1/debian-43/mem), against the emulator's: relocation, then module_finalize()
// (return thunks, alternatives, lock prefixes, ORC sort), ftrace's NOPs and sorted
// __mcount_loc, and the COMING notifiers (sorted __jump_table, static-call sites aimed at
// their targets). Each module is replayed where the real kernel put it: core and init base,
// and its per-cpu area, all from the capture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHF_ALLOC } from '../../../elf/constants.ts';
import type { ElfObject } from '../../../elf/types.ts';
import { openModule } from '../../../module_file.ts';
import { oracleImage, oracleKo, oracleModuleNames } from '../../../test_support/oracle.ts';
import { stepEvents } from '../../../trace/events.ts';
import type { Step, WritePath } from '../../../trace/types.ts';
import { parseKallsyms } from '../../kallsyms.ts';
import { Kernel } from '../../kernel.ts';
import { sort } from '../../lib/sort.ts';
import { load_module } from '../../module/main.ts';
import { INIT_OFFSET_MASK, type Module } from '../../module/types.ts';
import { insn_decode_kernel } from './insn.ts';

const dir = new URL('../../../../truth/v6.1/debian-43/', import.meta.url);
interface Truth {
  ko_file: string;
  core_base: string;
  init_base_inferred: string;
  perm_layout: Record<'r-x' | 'r--' | 'rw-', Array<[number, number]>>;
}
const truth: { modules: Record<string, Truth> } = JSON.parse(readFileSync(new URL('truth-subset.json', dir), 'utf8'));
const vmlinux = parseKallsyms(
  readFileSync(new URL('../../../../public/samples/vmlinux.kallsyms', import.meta.url), 'utf8'),
);
const moduleSymbols = parseKallsyms(readFileSync(new URL('kallsyms/modules-subset.kallsyms', dir), 'utf8'));

interface Replay {
  k: Kernel;
  mod: Module;
  elf: ElfObject;
  ours: Uint8Array;
  real: Uint8Array;
  t: Truth;
}

async function replay(name: string): Promise<Replay> {
  const t = truth.modules[name]!;
  // the module's per-cpu area: its per-cpu symbols are the only small addresses in its kallsyms
  const percpu = moduleSymbols.filter((e) => e.module === name && e.addr < 0x100000n).map((e) => e.addr);
  const k = new Kernel({
    kernel: '6.1',
    vmlinux,
    fakeMissingSymbols: true,
    moduleSymbols: moduleSymbols.filter((m) => m.module !== name),
    ...(percpu.length ? { percpuBase: percpu.reduce((a, b) => (a < b ? a : b)) } : {}),
  });
  const bytes = oracleKo(t.ko_file);
  const opened = await openModule(bytes, t.ko_file);
  if (!opened.ok) throw new Error(opened.error.message);
  const result = load_module(k, bytes, opened.module.elf, {
    coreBase: BigInt(t.core_base),
    initBase: BigInt(t.init_base_inferred),
  });
  if (!result.ok) throw new Error(result.error?.message);
  const mod = result.module!;
  return {
    k,
    mod,
    elf: opened.module.elf,
    ours: k.mem.read(mod.core_layout.base, mod.core_layout.size),
    real: oracleImage(name),
    t,
  };
}

const diffs = (a: Uint8Array, b: Uint8Array, [start, end]: [number, number]) => {
  const out: number[] = [];
  for (let i = start; i < end; i++) if (a[i] !== b[i]) out.push(i);
  return out;
};

/** Core-region offsets of relocation sites, with their size and whether the symbol was invented. */
function relocationSites(r: Replay): Array<{ off: number; size: number; invented: boolean }> {
  const out = [];
  for (const rel of r.elf.relocations) {
    const tgt = r.mod.info.sechdrs[rel.targetSection]!;
    if (!(tgt.flags & SHF_ALLOC) || tgt.entsize & INIT_OFFSET_MASK) continue;
    for (let i = 0; i < rel.count; i++) {
      const type = rel.types[i]!;
      if (type === 0) continue;
      const sym = r.elf.symbols[rel.symbols[i]!];
      out.push({
        off: Number(tgt.entsize) + Number(rel.offsets[i]!),
        size: type === 1 || type === 24 ? 8 : 4,
        invented: !!sym && r.k.inventedSymbols.has(sym.name),
      });
    }
  }
  return out;
}

const steps = (r: Replay, fn: string): Step[] =>
  r.k.trace.trace.steps.filter((s) => s.module === r.mod.name && s.path.at(-1) === fn);
const writes = (r: Replay, fn: string, path?: WritePath) =>
  steps(r, fn).flatMap((s) =>
    stepEvents(r.k.trace.trace, s).filter((e) => e.kind === 'write' && (!path || e.path === path)),
  );

// What each module's load did, per kind: [return sites → ret, alternatives patched, lock → DS,
// ORC entries sorted, ftrace NOPs (core+init), jump entries, static-call sites → call, → NOP]
const expected: Record<
  string,
  {
    returns: number;
    alts: number;
    locks: number;
    orc: number;
    fentry: number;
    jump: number;
    scCall: number;
    scNop: number;
  }
> = {
  crc_itu_t: { returns: 1, alts: 0, locks: 0, orc: 2, fentry: 0, jump: 0, scCall: 0, scNop: 0 },
  crc7: { returns: 1, alts: 0, locks: 0, orc: 2, fentry: 0, jump: 0, scCall: 0, scNop: 0 },
  nls_utf8: { returns: 4, alts: 0, locks: 0, orc: 17, fentry: 3, jump: 0, scCall: 0, scNop: 0 },
  dummy: { returns: 10, alts: 0, locks: 0, orc: 40, fentry: 10, jump: 0, scCall: 1, scNop: 0 },
  loop: { returns: 47, alts: 0, locks: 10, orc: 433, fentry: 43, jump: 0, scCall: 4, scNop: 2 },
  vfat: { returns: 20, alts: 0, locks: 3, orc: 142, fentry: 19, jump: 0, scCall: 0, scNop: 0 },
  fat: { returns: 136, alts: 0, locks: 15, orc: 1292, fentry: 122, jump: 0, scCall: 7, scNop: 0 },
  tun: { returns: 78, alts: 0, locks: 17, orc: 654, fentry: 65, jump: 19, scCall: 1, scNop: 4 },
  veth: { returns: 51, alts: 0, locks: 7, orc: 442, fentry: 47, jump: 13, scCall: 5, scNop: 5 },
  tls: { returns: 148, alts: 0, locks: 61, orc: 1610, fentry: 127, jump: 35, scCall: 9, scNop: 8 },
  configfs: { returns: 88, alts: 0, locks: 34, orc: 832, fentry: 77, jump: 8, scCall: 0, scNop: 0 },
  ext4: { returns: 1232, alts: 1, locks: 530, orc: 13781, fentry: 854, jump: 249, scCall: 223, scNop: 159 },
};

// rw- relocation sites equal / different, per module. The different ones are all in .ref.data
// of tls and ext4 (their trace_event_class list heads, linked when the events register) —
// run-time state, not loader work.
const rwSitesAll: Record<string, [number, number]> = {
  crc_itu_t: [0, 0],
  crc7: [0, 0],
  nls_utf8: [8, 0],
  dummy: [8, 0],
  loop: [43, 0],
  vfat: [9, 0],
  fat: [69, 0],
  tun: [52, 0],
  veth: [36, 0],
  tls: [314, 14],
  configfs: [119, 0],
  ext4: [4874, 178],
};
const rwTotal = { same: 5532, diff: 192 }; // 96.6 %

describe('module_finalize, ftrace and the COMING notifiers reproduce the real 6.1 memory', () => {
  it('covers the 12 modules of the capture', () => {
    expect(Object.keys(expected).sort()).toEqual([...oracleModuleNames].sort());
  });

  for (const name of oracleModuleNames) {
    it(`${name}: every r-x and r-- byte equals the real kernel's`, async () => {
      const r = await replay(name);
      const sites = relocationSites(r);
      const invented = sites.filter((s) => s.invented);
      const inInvented = (i: number) => invented.some((s) => i >= s.off && i < s.off + s.size);
      for (const range of r.t.perm_layout['r-x']) {
        const d = diffs(r.ours, r.real, range);
        // only calls to a symbol outside the capture (ext4 → crc16, address invented) may differ
        expect(d.filter((i) => !inInvented(i))).toEqual([]);
        expect(d.length).toBe(name === 'ext4' ? 8 : 0);
      }
      for (const range of r.t.perm_layout['r--']) expect(diffs(r.ours, r.real, range)).toEqual([]);
      expect(invented.length).toBe(name === 'ext4' ? 4 : 0);
    });

    it(`${name}: each kind of rewrite, counted and written the kernel's way`, async () => {
      const r = await replay(name);
      const e = expected[name]!;
      const ret = writes(r, 'apply_returns');
      expect(ret.length).toBe(e.returns);
      expect(
        ret.every(
          (w) => w.kind === 'write' && w.path === 'text_poke_early' && [...w.new].join() === '195,204,204,204,204',
        ),
      ).toBe(true);
      expect(writes(r, 'apply_alternatives', 'text_poke_early').length).toBe(e.alts);
      const locks = writes(r, 'alternatives_smp_module_add');
      expect(locks.length).toBe(e.locks);
      expect(
        locks.every((w) => w.kind === 'write' && w.path === 'text_poke' && w.new[0] === 0x3e && w.old[0] === 0xf0),
      ).toBe(true);
      const orc = steps(r, 'unwind_module_init')[0]?.title ?? '';
      expect(orc).toContain(`${e.orc} entries`);
      const nops = writes(r, 'ftrace_update_code');
      expect(nops.length).toBe(e.fentry);
      expect(
        nops.every((w) => w.kind === 'write' && w.path === 'text_poke_early' && [...w.new].join() === '15,31,68,0,0'),
      ).toBe(true);
      expect(steps(r, 'jump_label_add_module')[0]?.title ?? '').toMatch(
        e.jump ? new RegExp(`^jump_label_add_module: ${e.jump} entries`) : /^$/,
      );
      const sc = steps(r, 'static_call_add_module')[0]?.title ?? '';
      if (e.scCall + e.scNop) expect(sc).toContain(`${e.scCall} now call their target, ${e.scNop} NOPs`);
      // static-call sites are patched live: int3, sync, tail, sync, first byte, sync
      const sce = steps(r, 'static_call_add_module').flatMap((s) => stepEvents(r.k.trace.trace, s));
      const pokes = sce.filter((ev) => ev.kind === 'write' && ev.path === 'text_poke');
      expect(pokes.length).toBe(3 * (e.scCall + e.scNop));
      expect(sce.filter((ev) => ev.kind === 'sync').length).toBe(3 * (e.scCall + e.scNop));
      for (let i = 0; i < pokes.length; i += 3) {
        const [a, b, c] = [pokes[i]!, pokes[i + 1]!, pokes[i + 2]!];
        if (a.kind !== 'write' || b.kind !== 'write' || c.kind !== 'write') throw new Error('not a write');
        expect([a.new.length, a.new[0], b.addr - a.addr, b.new.length, c.addr === a.addr, c.new.length]).toEqual([
          1,
          0xcc,
          1n,
          4,
          true,
          1,
        ]);
      }
    });
  }

  it('rw- relocation sites: the run-time state of data is the only difference', async () => {
    let same = 0;
    let diff = 0;
    const perModule: Record<string, [number, number]> = {};
    for (const name of oracleModuleNames) {
      const r = await replay(name);
      const [start, end] = r.t.perm_layout['rw-'][0]!;
      let s = 0;
      let d = 0;
      for (const site of relocationSites(r)) {
        if (site.off < start || site.off >= end) continue;
        const eq = r.ours.subarray(site.off, site.off + site.size).every((b, i) => b === r.real[site.off + i]);
        if (eq) s++;
        else d++;
      }
      perModule[name] = [s, d];
      same += s;
      diff += d;
    }
    expect(perModule).toEqual(rwSitesAll);
    expect([same, diff]).toEqual([rwTotal.same, rwTotal.diff]);
  });
});

describe('lib/sort.c heapsort', () => {
  it('is the kernel’s unstable bottom-up heapsort: equal keys end in its order', () => {
    // five records, key in byte 0, identity in byte 1
    const buf = Uint8Array.from([2, 0, 1, 1, 2, 2, 1, 3, 0, 4]);
    const swaps = sort(
      5,
      2,
      (a, b) => buf[a]! - buf[b]!,
      (a, b) => {
        const t = buf.slice(a, a + 2);
        buf.copyWithin(a, b, b + 2);
        buf.set(t, b);
      },
    );
    expect([...buf]).toEqual(expectedHeap);
    expect(swaps).toBe(expectedSwaps);
    // 40 records, key (7i mod 5), identity i
    const b2 = new Uint8Array(80);
    for (let i = 0; i < 40; i++) b2.set([(i * 7) % 5, i], 2 * i);
    const s2 = sort(
      40,
      2,
      (a, b) => b2[a]! - b2[b]!,
      (a, b) => {
        const t = b2.slice(a, a + 2);
        b2.copyWithin(a, b, b + 2);
        b2.set(t, b);
      },
    );
    expect([...Array(40).keys()].map((i) => b2[2 * i + 1])).toEqual(expected40);
    expect(s2).toBe(150);
  });
});
// Expected values: Debian 6.1.192's lib/sort.c compiled with gcc in user space (a shim for its
// headers), run on the same records with a counting swap.
const expectedHeap = [0, 4, 1, 1, 1, 3, 2, 2, 2, 0];
const expectedSwaps = 6;
const expected40 = [
  0, 30, 5, 25, 35, 10, 15, 20, 18, 33, 3, 8, 38, 13, 28, 23, 6, 26, 11, 21, 16, 36, 1, 31, 29, 14, 24, 4, 19, 9, 39,
  34, 27, 12, 2, 22, 37, 17, 32, 7,
];

describe('insn_decode_kernel', () => {
  it('decodes the instructions the patchers meet', () => {
    const len = (...b: number[]) =>
      insn_decode_kernel(Uint8Array.from([...b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))?.length;
    expect(len(0xe9, 1, 2, 3, 4)).toBe(5); // jmp rel32
    expect(len(0x0f, 0x1f, 0x44, 0, 0)).toBe(5); // nopl 0(%rax,%rax,1)
    expect(len(0x66, 0x90)).toBe(2);
    expect(len(0x0f, 0x85, 1, 2, 3, 4)).toBe(6); // jne rel32
    expect(len(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8)).toBe(10); // movabs
    expect(len(0x0f, 0x0d, 0x48, 0x10)).toBe(4); // prefetchw 0x10(%rax)
    expect(len(0xf3, 0x48, 0xa5)).toBe(3); // rep movsq
    expect(len(0x65, 0x48, 0xff, 0x05, 1, 2, 3, 4)).toBe(8); // incq %gs:rel32(%rip)
    expect(len(0xc4, 0xe2, 0x79, 0x18, 0x44, 0x24, 0x08)).toBe(7); // vbroadcastss 8(%rsp)
    expect(len(0x0f, 0x3a, 0x0f, 0xc1, 0x08)).toBe(5); // palignr $8
    expect(len(0xf6, 0x40, 0x10, 0x01)).toBe(4); // testb $1, 0x10(%rax)
    expect(len(0xf7, 0xd8)).toBe(2); // neg %eax
  });
});
