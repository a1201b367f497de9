// 15 Debian modules in the emulated 6.12 kernel against Debian's real 6.12.118
// (truth/v6.12/debian-13): loaded one after the other as the capture loaded them, against the
// shipped 6.12 vmlinux table and each other's exports (nothing invented). Every module's
// allocations where the real allocator put them (lowest free address, MOD_* order, a guard page
// each; the freed init allocations where the capture infers them), as big and with the same
// permissions; every section's type and offset; coresize, and initsize 0 as sysfs reads it;
// and the memory: MOD_TEXT, MOD_RODATA and MOD_RO_AFTER_INIT byte for byte (relocation, 6.12's
// module_finalize() — return thunks, 14-byte alternatives, ENDBR sealing, lock prefixes over all
// of MOD_TEXT, the ORC sort — ftrace's NOPs and sorted __mcount_loc, the sorted __jump_table),
// MOD_DATA byte for byte outside the run-time state named below.
import { describe, expect, test } from 'vitest';
import { openModule } from '../../module_file.ts';
import {
  debianKo,
  type RealMem,
  type RealModule,
  realImage,
  realRun,
  vmlinux612,
} from '../../test_support/truth612.ts';
import { Kernel } from '../kernel.ts';
import { sectionPlacement } from './layout.ts';
import { layoutReport } from './layout_report.ts';
import { load_module } from './main.ts';
import { MOD_MEM_TYPES, type Module } from './types.ts';

const RUN = 'debian-13';
const real = realRun(RUN);
const order = real.steps.filter((s) => s.verb === 'insmod').map((s) => s.module!.name);
const snaps = real.steps.filter((s) => s.verb === 'snap').map((s) => s.snap!);
const allLoaded = snaps.at(-1)!;

/**
 * MOD_DATA that is run-time state, not the loader's work: struct module (its lists, kobject,
 * refcount and pointers are the kernel's bookkeeping, which the emulator keeps in its own
 * objects), and the modules' own variables (.data, .data..read_mostly, .ref.data, .bss: written
 * by their init code and by the subsystems they register with — list heads linked, counters,
 * tracepoint and trace-event class lists). Everything else there (the kept kallsyms, __bug_table,
 * __patchable_function_entries, .static_call_sites, __dyndbg, parameters …) must be equal.
 */
const RUN_TIME_DATA = ['.gnu.linkonce.this_module', '.data', '.data..read_mostly', '.ref.data', '.bss'];

const hex = (a: bigint) => `0x${a.toString(16)}`;

interface Loaded {
  k: Kernel;
  mods: Map<string, Module>;
  /** Every allocation each module got, init ones included (before they were freed). */
  allocs: Map<string, Record<string, { base: string; size: number }>>;
}

let loaded: Promise<Loaded> | undefined;
/** The 15 modules, in the capture's order, into one kernel (once for all tests). */
function loadAll(): Promise<Loaded> {
  loaded ??= (async () => {
    const k = new Kernel({ kernel: '6.12', vmlinux: vmlinux612, recordWrites: false });
    const mods = new Map<string, Module>();
    for (const name of order) {
      const bytes = debianKo(name);
      const opened = await openModule(bytes, `${name}.ko`);
      if (!opened.ok) throw new Error(opened.error.message);
      const r = load_module(k, bytes, opened.module.elf);
      if (!r.ok) throw new Error(`${name}: ${r.error?.message}`);
      mods.set(name, r.module!);
    }
    const allocs = new Map<string, Record<string, { base: string; size: number }>>();
    for (const s of k.trace.trace.steps)
      for (const e of s.events)
        if (e.kind === 'alloc' && mods.has(e.region.module))
          allocs.set(e.region.module, {
            ...allocs.get(e.region.module),
            [e.region.name]: { base: hex(e.region.base), size: e.region.size },
          });
    return { k, mods, allocs };
  })();
  return loaded;
}

const memOf = (m: RealModule) =>
  Object.entries(m.mem).filter((e): e is [string, RealMem] => typeof e[1] === 'object' && e[1] !== null);

/** Offsets of MOD_DATA bytes a relocation wrote, per section (8 or 4 bytes each), and which are run-time state. */
function dataRelocationSites(mod: Module): Array<{ off: number; size: number; section: string }> {
  const out = [];
  const info = mod.info;
  for (const rel of info.elf.relocations) {
    const tgt = info.sechdrs[rel.targetSection]!;
    const at = sectionPlacement(mod, tgt.entsize);
    if (!(tgt.flags & 2n) || at?.region !== 'MOD_DATA') continue;
    for (let i = 0; i < rel.count; i++) {
      const type = rel.types[i]!;
      if (type === 0) continue;
      out.push({
        off: at.offset + Number(rel.offsets[i]!),
        size: type === 1 || type === 24 ? 8 : 4,
        section: tgt.name,
      });
    }
  }
  return out;
}

describe('15 Debian modules in the emulated 6.12 kernel, against the real 6.12.118', () => {
  test('the capture has the 15 modules, each loaded once, none unloaded', () => {
    expect(order).toEqual([
      'crc_itu_t',
      'crc7',
      'crc16',
      'dummy',
      'loop',
      'tun',
      'veth',
      'tls',
      'mbcache',
      'jbd2',
      'ext4',
      'fat',
      'vfat',
      'nls_utf8',
      'configfs',
    ]);
    expect(Object.keys(allLoaded.modules).sort()).toEqual([...order].sort());
  });

  test('nothing invented: every symbol comes from the 6.12 vmlinux table or a module loaded before', async () => {
    const { k } = await loadAll();
    expect([...k.inventedSymbols.keys()]).toEqual([]);
  });

  test('a lone module: each allocation at the lowest free address, a guard page after each', async () => {
    const lone = snaps[0]!;
    expect(lone.label).toBe('lone-module');
    const { allocs } = await loadAll();
    expect(allocs.get('crc_itu_t')).toEqual(
      Object.fromEntries(memOf(lone.modules.crc_itu_t!).map(([t, m]) => [t, { base: m.base, size: m.size }])),
    );
  });

  for (const name of order)
    test(`${name}: allocations, permissions, sections, sizes`, async () => {
      const { k, mods, allocs } = await loadAll();
      const mod = mods.get(name)!;
      const r = allModules()[name]!;
      const report = layoutReport(k, mod);
      // every allocation the module had, init ones included (freed now; the capture infers them)
      expect(allocs.get(name)).toEqual(
        Object.fromEntries(memOf(r).map(([t, m]) => [t, { base: m.base, size: m.size }])),
      );
      expect(
        report.allocations!.map((a) => ({ t: a.type, perms: a.perms.map((p) => `${p.from}-${p.to} ${p.perm}`) })),
      ).toEqual(
        memOf(r)
          .filter(([, m]) => !m.freed)
          .map(([t, m]) => ({ t, perms: m.page_perms!.map((p) => `${p.offset_start}-${p.offset_end} ${p.perm}`) })),
      );
      expect({ coresize: report.coresize, initsize: report.initsize }).toEqual({
        coresize: r.coresize,
        initsize: r.initsize,
      });
      expect(Object.fromEntries(Object.entries(report.sections).map(([n, s]) => [n, `${s.type}+${s.offset}`]))).toEqual(
        Object.fromEntries(Object.entries(r.sections).map(([n, s]) => [n, `${s.mem_type}+${s.offset}`])),
      );
      expect(MOD_MEM_TYPES.filter((t) => mod.mem![t].base).map((t) => hex(mod.mem![t].base))).toEqual(
        memOf(r)
          .filter(([, m]) => !m.freed)
          .map(([, m]) => m.base),
      );
    });

  const compared: Record<string, number> = {};
  for (const name of order)
    test(`${name}: MOD_TEXT, MOD_RODATA, MOD_RO_AFTER_INIT byte for byte; MOD_DATA but its run-time state`, async () => {
      const { k } = await loadAll();
      const r = allModules()[name]!;
      for (const [t, m] of memOf(r)) {
        if (m.freed || !m.image) continue;
        const ours = k.mem.read(BigInt(m.base), m.size);
        const img = realImage(RUN, m.image.file);
        if (t !== 'MOD_DATA') {
          const diff = ours.findIndex((b, i) => b !== img[i]);
          expect(diff, `${name} ${t}: first differing byte`).toBe(-1);
          compared[t] = (compared[t] ?? 0) + m.size;
          continue;
        }
        const runTime = Object.entries(r.sections)
          .filter(([n, s]) => s.mem_type === 'MOD_DATA' && RUN_TIME_DATA.includes(n))
          .map(([, s]) => [s.offset, s.offset + s.elf.size] as const);
        const outside = (i: number) => !runTime.some(([a, b]) => i >= a && i < b);
        const diff = ours.findIndex((b, i) => b !== img[i] && outside(i));
        expect(diff, `${name} MOD_DATA outside the run-time state: first differing byte`).toBe(-1);
        compared.MOD_DATA_loader = (compared.MOD_DATA_loader ?? 0) + [...ours.keys()].filter(outside).length;
      }
    });

  test('bytes compared per allocation type (all 15 modules)', () => {
    expect(compared).toEqual({
      MOD_TEXT: 819200,
      MOD_RODATA: 458752,
      MOD_RO_AFTER_INIT: 24576,
      // MOD_DATA bytes outside struct module and the modules' own variables
      MOD_DATA_loader: 477486,
    });
  });

  // The different ones are all in .ref.data of tls, jbd2 and ext4: their trace_event_class list
  // heads, linked when the trace events register (6.1's capture shows the same).
  test('relocation sites in the run-time state: equal but where the modules themselves wrote', async () => {
    const { k, mods } = await loadAll();
    const perModule: Record<string, [number, Record<string, number>]> = {};
    for (const name of order) {
      const mod = mods.get(name)!;
      const m = allModules()[name]!.mem.MOD_DATA as RealMem;
      const ours = k.mem.read(BigInt(m.base), m.size);
      const img = realImage(RUN, m.image!.file);
      let same = 0;
      const diff: Record<string, number> = {};
      for (const site of dataRelocationSites(mod)) {
        if (!RUN_TIME_DATA.includes(site.section)) continue;
        if (ours.subarray(site.off, site.off + site.size).every((b, i) => b === img[site.off + i])) same++;
        else diff[site.section] = (diff[site.section] ?? 0) + 1;
      }
      perModule[name] = [same, diff];
    }
    expect(perModule).toEqual({
      crc_itu_t: [0, {}],
      crc7: [0, {}],
      crc16: [0, {}],
      dummy: [5, {}],
      loop: [28, {}],
      tun: [21, {}],
      veth: [11, {}],
      tls: [154, { '.ref.data': 14 }],
      mbcache: [2, {}],
      jbd2: [352, { '.ref.data': 30 }],
      ext4: [2239, { '.ref.data': 180 }],
      fat: [2, {}],
      vfat: [7, {}],
      nls_utf8: [7, {}],
      configfs: [16, {}],
    });
  });
});

const allModules = () => allLoaded.modules;
