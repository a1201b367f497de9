// Debian modules in the emulated 6.12 kernel against Debian's real 6.12.118: the 15 of
// truth/v6.12/debian-13, and the 6 of truth/v6.12/debian-pvops (pv_ops calls made direct by
// ALT_FLAG_DIRECT_CALL alternatives). Each capture's modules loaded one after the other as it
// loaded them, against the shipped 6.12 vmlinux table (plus, for debian-pvops, the addresses its
// `kallsyms` step recorded) and each other's exports — nothing invented. Every module's
// allocations where the real allocator put them (lowest free address, MOD_* order, a guard page
// each; the freed init allocations where the capture infers them), as big and with the same
// permissions; every section's type and offset; coresize, and initsize 0 as sysfs reads it; and
// the memory: MOD_TEXT, MOD_RODATA and MOD_RO_AFTER_INIT byte for byte (relocation, 6.12's
// module_finalize() — return thunks, 14-byte alternatives, pv_ops direct calls, ENDBR sealing,
// lock prefixes over all of MOD_TEXT, the ORC sort — ftrace's NOPs and sorted __mcount_loc, the
// sorted __jump_table), MOD_DATA byte for byte outside the run-time state named below.
import { describe, expect, test } from 'vitest';
import { openModule } from '../../module_file.ts';
import {
  debianKo,
  type RealMem,
  type RealModule,
  type RealRun,
  realImage,
  realRun,
  vmlinux612,
} from '../../test_support/truth612.ts';
import { type KallsymsEntry, parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { sectionPlacement } from './layout.ts';
import { layoutReport } from './layout_report.ts';
import { load_module } from './main.ts';
import { MOD_MEM_TYPES, type Module } from './types.ts';

/**
 * What is run-time state, not the loader's work: struct module (its lists, kobject, refcount and
 * pointers are the kernel's bookkeeping, which the emulator keeps in its own objects), and the
 * modules' own variables (.data, .data..read_mostly, .ref.data, .bss, .data..ro_after_init:
 * written by their init code and by the subsystems they register with — list heads linked,
 * counters, trace-event class lists). Everything else (the kept kallsyms, __bug_table,
 * __patchable_function_entries, .static_call_sites, __dyndbg, __jump_table, parameters …) must be
 * equal.
 */
const RUN_TIME_DATA = [
  '.gnu.linkonce.this_module',
  '.data',
  '.data..read_mostly',
  '.ref.data',
  '.bss',
  '.data..ro_after_init',
];

const hex = (a: bigint) => `0x${a.toString(16)}`;

interface Capture {
  run: string;
  order: string[];
  /** vmlinux lines the capture recorded beyond the shipped table (its `kallsyms` step). */
  extraVmlinux: KallsymsEntry[];
  /** What is compared, and what must be found, per module. */
  expected: {
    bytes: Record<string, number>;
    /** Relocation sites in the run-time state: [equal, different by section]. */
    runTimeSites: Record<string, [number, Record<string, number>]>;
    /** Bytes of the run-time state that differ, by section, where the capture shows a module wrote them. */
    runTimeRoAfterInit: Record<string, number>;
  };
}

const recordedVmlinux = (r: RealRun): KallsymsEntry[] =>
  r.steps
    .filter((s) => s.verb === 'kallsyms')
    .flatMap((s) => parseKallsyms(s.output ?? ''))
    .filter((e) => !e.module);

const captures: Capture[] = [
  {
    run: 'debian-13',
    order: [
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
    ],
    extraVmlinux: [],
    expected: {
      bytes: {
        MOD_TEXT: 819200,
        MOD_RODATA: 458752,
        MOD_RO_AFTER_INIT: 24576,
        // MOD_DATA bytes outside struct module and the modules' own variables
        MOD_DATA_loader: 477486,
      },
      // The different ones are all in .ref.data of tls, jbd2 and ext4: their trace_event_class
      // list heads, linked when the trace events register (6.1's capture shows the same).
      runTimeSites: {
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
      },
      runTimeRoAfterInit: {},
    },
  },
  {
    run: 'debian-pvops',
    order: ['vgastate', 'wire', 'ila', 'psmouse', 'x_tables', 'arp_tables'],
    extraVmlinux: recordedVmlinux(realRun('debian-pvops')),
    expected: {
      bytes: { MOD_TEXT: 159744, MOD_RODATA: 110592, MOD_RO_AFTER_INIT: 16384, MOD_DATA_loader: 95148 },
      runTimeSites: {
        vgastate: [0, {}],
        wire: [71, {}],
        ila: [8, {}],
        psmouse: [294, {}],
        x_tables: [5, {}],
        arp_tables: [8, {}],
      },
      // ila's init sets a variable of its .data..ro_after_init before it becomes read-only
      runTimeRoAfterInit: { ila: 1 },
    },
  },
];

interface Loaded {
  k: Kernel;
  mods: Map<string, Module>;
  /** Every allocation each module got, init ones included (before they were freed). */
  allocs: Map<string, Record<string, { base: string; size: number }>>;
}

const loaded = new Map<string, Promise<Loaded>>();
/** The capture's modules, in its order, into one kernel (once for all tests). */
function loadAll(c: Capture): Promise<Loaded> {
  let p = loaded.get(c.run);
  if (!p)
    loaded.set(
      c.run,
      (p = (async () => {
        const k = new Kernel({
          kernel: '6.12',
          vmlinux: [...vmlinux612, ...c.extraVmlinux],
          // the recorded lines have no __ksymtab_ lines: any global there is an export
          ...(c.extraVmlinux.length ? { vmlinuxExports: 'globals' as const } : {}),
          recordWrites: false,
        });
        const mods = new Map<string, Module>();
        for (const name of c.order) {
          const bytes = debianKo(c.run, name);
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
      })()),
    );
  return p;
}

const memOf = (m: RealModule) =>
  Object.entries(m.mem).filter((e): e is [string, RealMem] => typeof e[1] === 'object' && e[1] !== null);

/** MOD_DATA bytes a relocation wrote (8 or 4 each), with their section. */
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

/** The byte offsets of one allocation that are run-time state (RUN_TIME_DATA sections placed there). */
function runTimeState(r: RealModule, type: string): (i: number) => boolean {
  const ranges = Object.entries(r.sections)
    .filter(([n, s]) => s.mem_type === type && RUN_TIME_DATA.includes(n))
    .map(([, s]) => [s.offset, s.offset + s.elf.size] as const);
  return (i) => ranges.some(([a, b]) => i >= a && i < b);
}

describe.each(captures)('$run: Debian modules in the emulated 6.12 kernel, against the real 6.12.118', (c) => {
  const real = realRun(c.run);
  const snaps = real.steps.filter((s) => s.verb === 'snap').map((s) => s.snap!);
  const modules = snaps.at(-1)!.modules;

  test('the capture loaded these modules in this order, each once, none unloaded', () => {
    expect(real.steps.filter((s) => s.verb === 'insmod').map((s) => s.module!.name)).toEqual(c.order);
    expect(Object.keys(modules).sort()).toEqual([...c.order].sort());
  });

  test('nothing invented: every symbol comes from the vmlinux table or a module loaded before', async () => {
    const { k } = await loadAll(c);
    expect([...k.inventedSymbols.keys()]).toEqual([]);
  });

  test('the first module: each allocation at the lowest free address, a guard page after each', async () => {
    const { allocs } = await loadAll(c);
    const first = snaps[0]!.modules[c.order[0]!]!;
    expect(allocs.get(c.order[0]!)).toEqual(
      Object.fromEntries(memOf(first).map(([t, m]) => [t, { base: m.base, size: m.size }])),
    );
  });

  for (const name of c.order)
    test(`${name}: allocations, permissions, sections, sizes`, async () => {
      const { k, mods, allocs } = await loadAll(c);
      const mod = mods.get(name)!;
      const r = modules[name]!;
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
  const roAfterInit: Record<string, number> = {};
  for (const name of c.order)
    test(`${name}: MOD_TEXT, MOD_RODATA, MOD_RO_AFTER_INIT byte for byte; MOD_DATA but its run-time state`, async () => {
      const { k } = await loadAll(c);
      const r = modules[name]!;
      for (const [t, m] of memOf(r)) {
        if (m.freed || !m.image) continue;
        const ours = k.mem.read(BigInt(m.base), m.size);
        const img = realImage(c.run, m.image.file);
        const runTime = runTimeState(r, t);
        if (t !== 'MOD_DATA') {
          // MOD_RO_AFTER_INIT may hold a .data..ro_after_init the module's init wrote: counted apart
          const diff = ours.findIndex((b, i) => b !== img[i] && !runTime(i));
          expect(diff, `${name} ${t}: first differing byte`).toBe(-1);
          const written = [...ours.keys()].filter((i) => ours[i] !== img[i]).length;
          if (written) roAfterInit[name] = written;
          compared[t] = (compared[t] ?? 0) + m.size;
          continue;
        }
        const diff = ours.findIndex((b, i) => b !== img[i] && !runTime(i));
        expect(diff, `${name} MOD_DATA outside the run-time state: first differing byte`).toBe(-1);
        compared.MOD_DATA_loader = (compared.MOD_DATA_loader ?? 0) + [...ours.keys()].filter((i) => !runTime(i)).length;
      }
    });

  test('bytes compared per allocation type; bytes a module wrote into its .data..ro_after_init', () => {
    expect(compared).toEqual(c.expected.bytes);
    expect(roAfterInit).toEqual(c.expected.runTimeRoAfterInit);
  });

  test('relocation sites in the run-time state: equal but where the modules themselves wrote', async () => {
    const { k, mods } = await loadAll(c);
    const perModule: Record<string, [number, Record<string, number>]> = {};
    for (const name of c.order) {
      const m = modules[name]!.mem.MOD_DATA as RealMem;
      const ours = k.mem.read(BigInt(m.base), m.size);
      const img = realImage(c.run, m.image!.file);
      let same = 0;
      const diff: Record<string, number> = {};
      for (const site of dataRelocationSites(mods.get(name)!)) {
        if (!RUN_TIME_DATA.includes(site.section)) continue;
        if (ours.subarray(site.off, site.off + site.size).every((b, i) => b === img[site.off + i])) same++;
        else diff[site.section] = (diff[site.section] ?? 0) + 1;
      }
      perModule[name] = [same, diff];
    }
    expect(perModule).toEqual(c.expected.runTimeSites);
  });
});
