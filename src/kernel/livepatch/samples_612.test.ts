// The 6.12-built sample livepatch in the emulated 6.12 kernel against Debian's real 6.12.118
// (truth/v6.12/samples-*): every capture replayed operation by operation — the same return
// codes and errnos, the same kernel log; at every `peek` the same bytes at the same address
// (every .klp.rela site: applied, cleared to the .ko's zeros when its target unloads, applied
// again when it comes back; the ftrace sites at function+4 after ENDBR64, patched to call a
// trampoline at the real trampoline's address); at every snap the same allocations (base, size,
// permissions), sections, ftrace trampolines, /sys/kernel/livepatch, and every byte of every
// module's MOD_TEXT, MOD_RODATA and MOD_RO_AFTER_INIT.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { SHF_ALLOC } from '../../elf/constants.ts';
import {
  dmesgText,
  type RealMem,
  type RealModule,
  type RealSnap,
  type RealStep,
  realImage,
  realRun,
  sample612,
  vmlinux612,
} from '../../test_support/truth612.ts';
import { Kernel } from '../kernel.ts';
import { MODULES_VADDR } from '../mm/vmalloc.ts';
import { layoutReport } from '../module/layout_report.ts';
import { delete_module, load_module } from '../module/main.ts';
import { MOD_MEM_TYPES, type Module } from '../module/types.ts';
import { enabled_store, livepatchSysfs } from './core.ts';

const runs = [
  'samples-target-first',
  'samples-late-load',
  'samples-unload',
  'samples-reload',
  'samples-two-targets',
  'samples-atomic-replace',
  'samples-disable-remove',
  'samples-refusals',
];

// what the modules' own init code prints, and TCG's clocksource complaint, are not the loader's
const notTheLoader = (line: string) =>
  /^klp_demo_target2?: loaded/.test(line) || line.startsWith('clocksource: Long readout interval');

/** The errno a step ended with, as the capture tool reports it (a sysfs write reports only its text). */
function realErrno(s: RealStep): string | null {
  if (s.rc === 0) return null;
  if (s.errno) return s.errno.name;
  if (/Invalid argument/.test(s.output ?? '')) return 'EINVAL';
  if (/does not exist/.test(s.output ?? '')) return 'ENOENT';
  return `rc ${s.rc}`;
}

/** An unpatched vmlinux function of an IBT build as the emulator models it: ENDBR64, then the fentry NOP. */
const VMLINUX_ENTRY = Uint8Array.of(0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0x1f, 0x44, 0x00, 0x00);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const addr = (a: bigint) => `0x${a.toString(16)}`;

interface Tally {
  ops: number;
  peeks: number;
  peekBytes: number;
  /** .klp.rela sites checked at peeks (truth/v6.12/samples-klp-sites), and those cleared after their target left. */
  sites: number;
  clearedSites: number;
  /** Module symbols looked up by `kallsyms` steps. */
  symbols: number;
  snaps: number;
  /** MOD_TEXT, MOD_RODATA and MOD_RO_AFTER_INIT bytes compared; MOD_DATA bytes outside its run-time state. */
  imageBytes: number;
  dataBytes: number;
}

interface KlpPeek {
  scenario: string;
  step: number;
  sites: Array<{ klp_section: string; offset: number; P: string; found: string; object_loaded: boolean; S?: string }>;
}
const klpPeeks: KlpPeek[] = JSON.parse(
  readFileSync(new URL('../../../truth/v6.12/samples-klp-sites/klp-peeks.json', import.meta.url), 'utf8'),
).peeks;

/** Replays one capture; returns what was compared. Every comparison is an expect(). */
async function replay(run: string): Promise<Tally> {
  const real = realRun(run);
  const k = new Kernel({ kernel: '6.12', vmlinux: vmlinux612 });
  const t: Tally = {
    ops: 0,
    peeks: 0,
    peekBytes: 0,
    sites: 0,
    clearedSites: 0,
    symbols: 0,
    snaps: 0,
    imageBytes: 0,
    dataBytes: 0,
  };
  const applied = new Set<string>();
  for (const s of real.steps) {
    const [verb, arg] = s.cmd.split(/\s+/);
    const from = k.trace.trace.steps.length;
    let err: { errnoName: string } | null | undefined;
    if (verb === 'insmod')
      err = load_module(k, (await sample612(arg!)).bytes, (await sample612(arg!)).module.elf).error;
    else if (verb === 'rmmod') err = delete_module(k, arg!);
    else if (verb === 'livepatch-disable') err = enabled_store(k, arg!, false);
    else if (verb === 'livepatch-enable') err = enabled_store(k, arg!, true);
    else if (verb === 'peek') {
      const p = s.peek!;
      const at = BigInt(p.addr);
      // vmlinux text is modelled only at a function's entry: ENDBR64 and the ftrace site after it
      const len = at < MODULES_VADDR ? 9 : p.len;
      const ours = at >= MODULES_VADDR || k.mem.isMapped(at) ? k.mem.read(at, len) : VMLINUX_ENTRY;
      expect(`${s.index} ${s.cmd}: ${hex(ours)}`).toBe(`${s.index} ${s.cmd}: ${p.hex.slice(0, 2 * len)}`);
      t.peeks++;
      t.peekBytes += len;
      // each .klp.rela site on its own: the formula's value while its object is loaded, else the .ko's zeros
      for (const site of klpPeeks.find((x) => x.scenario === run && x.step === s.index)?.sites ?? []) {
        const key = `${site.klp_section}+${site.offset}`;
        expect(`${s.index} ${key}: ${hex(k.mem.read(BigInt(site.P), 4))}`).toBe(`${s.index} ${key}: ${site.found}`);
        t.sites++;
        if (site.object_loaded) applied.add(key);
        else if (applied.has(key)) t.clearedSites++;
      }
      continue;
    } else if (verb === 'kallsyms') {
      t.symbols += compareKallsyms(k, s.output ?? '');
      continue;
    } else if (verb === 'snap') {
      const c = compareSnap(run, k, s.snap!);
      t.imageBytes += c.bytes;
      t.dataBytes += c.dataBytes;
      t.snaps++;
      continue;
    } else continue; // wait-transition (transitions complete at once here), sh
    t.ops++;
    const log = k.trace.trace.steps
      .slice(from)
      .flatMap((st) => st.events.flatMap((e) => (e.kind === 'printk' ? [e.text] : [])));
    expect({ step: `${s.index} ${s.cmd}`, errno: err ? err.errnoName : null, log }).toEqual({
      step: `${s.index} ${s.cmd}`,
      errno: realErrno(s),
      log: s.dmesg.map(dmesgText).filter((l) => !notTheLoader(l)),
    });
  }
  return t;
}

/** A `kallsyms NAME…` step: every module symbol found where the real one is; "not found" where it was not. */
function compareKallsyms(k: Kernel, output: string): number {
  const ours = (name: string) =>
    k.modules.flatMap((m) =>
      m.info.elf.symbols
        .filter((sym) => sym.name === name && sym.shndx !== 0)
        .map((sym) => `${addr(m.symbolValues[sym.index]!)} ${name} [${m.name}]`),
    );
  const real = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const nf = /^not found: (\S+)/.exec(line);
    if (nf) real.set(nf[1]!, []);
    const m = /^([0-9a-f]{16}) \w (\S+)\t\[(\S+)\]/.exec(line);
    if (m) real.set(m[2]!, [...(real.get(m[2]!) ?? []), `0x${BigInt(`0x${m[1]}`).toString(16)} ${m[2]} [${m[3]}]`]);
  }
  for (const [name, lines] of real) expect(ours(name).sort(), name).toEqual(lines.sort());
  return [...real.values()].reduce((n, l) => n + l.length, 0);
}

/**
 * The MOD_DATA bytes that are run-time state: struct module (.gnu.linkonce.this_module, the
 * kernel's bookkeeping), the modules' own variables (.data, .bss: their init code's, and for a
 * livepatch the kobjects and lists klp_init_patch() puts in its struct klp_patch/object/func),
 * and — a livepatch keeps every symbol in its kallsyms — the value of each symbol of a section
 * that is not loaded (.modinfo, __versions): an address in the load buffer (info->hdr, a vmalloc
 * address of the real run), which the emulator does not have.
 */
function runTimeData(k: Kernel, mod: Module, real: RealModule): (offset: number) => boolean {
  const ranges = Object.entries(real.sections)
    .filter(([n, s]) => s.mem_type === 'MOD_DATA' && RUN_TIME_DATA.includes(n))
    .map(([, s]) => [s.offset, s.offset + s.elf.size] as const);
  const base = mod.mem!.MOD_DATA.base;
  const ks = mod.core_kallsyms!;
  const symtab = k.mem.read(ks.symtab, ks.num_symtab * 24);
  for (let i = 0; i < ks.num_symtab; i++) {
    const shndx = symtab[i * 24 + 6]! | (symtab[i * 24 + 7]! << 8);
    const sec = mod.info.sechdrs[shndx];
    if (shndx && shndx < 0xff00 && sec && !(sec.flags & SHF_ALLOC)) {
      const at = Number(ks.symtab - base) + i * 24 + 8;
      ranges.push([at, at + 8]);
    }
  }
  return (i) => ranges.some(([a, b]) => i >= a && i < b);
}

const RUN_TIME_DATA = ['.gnu.linkonce.this_module', '.data', '.bss'];

/** Allocations, sections, trampolines, sysfs and images at one snap; returns the image bytes compared. */
function compareSnap(run: string, k: Kernel, snap: RealSnap): { bytes: number; dataBytes: number } {
  const label = snap.label;
  expect(k.modules.map((m) => m.name).sort(), label).toEqual(Object.keys(snap.modules).sort());
  let bytes = 0;
  let dataBytes = 0;
  for (const [name, real] of Object.entries(snap.modules)) {
    const mod = k.findModule(name)!;
    const report = layoutReport(k, mod);
    expect({ coresize: report.coresize, initsize: report.initsize, refcnt: mod.refcnt }, `${label} ${name}`).toEqual({
      coresize: real.coresize,
      initsize: real.initsize,
      refcnt: real.refcnt,
    });
    // every live allocation where the real one is, as big, with its permissions
    const live = Object.entries(real.mem).filter(
      (e): e is [string, RealMem] => typeof e[1] === 'object' && !(e[1] as RealMem).freed,
    );
    expect(
      MOD_MEM_TYPES.filter((t) => mod.mem![t].base).map((t) => ({
        t,
        base: addr(mod.mem![t].base),
        size: mod.mem![t].size,
        perms: report.allocations!.find((a) => a.type === t)!.perms.map((p) => `${p.from}-${p.to} ${p.perm}`),
      })),
      `${label} ${name}`,
    ).toEqual(
      live.map(([t, m]) => ({
        t,
        base: m.base,
        size: m.size,
        perms: m.page_perms!.map((p) => `${p.offset_start}-${p.offset_end} ${p.perm}`),
      })),
    );
    expect(
      Object.fromEntries(Object.entries(report.sections).map(([n, s]) => [n, `${s.type}+${s.offset}`])),
      `${label} ${name} sections`,
    ).toEqual(Object.fromEntries(Object.entries(real.sections).map(([n, s]) => [n, `${s.mem_type}+${s.offset}`])));
    for (const [t, m] of live) {
      if (!m.image) continue;
      const ours = k.mem.read(BigInt(m.base), m.size);
      const img = realImage(run, m.image.file);
      if (t !== 'MOD_DATA') {
        expect(hex(ours) === hex(img), `${label} ${name} ${t} image`).toBe(true);
        bytes += m.size;
        continue;
      }
      const skip = runTimeData(k, mod, real);
      const diff = ours.findIndex((b, i) => b !== img[i] && !skip(i));
      expect(diff, `${label} ${name} MOD_DATA outside its run-time state: first differing byte`).toBe(-1);
      dataBytes += [...ours.keys()].filter((i) => !skip(i)).length;
    }
  }
  const tramps = k.moduleArea
    .regions()
    .filter((r) => r.module === 'ftrace')
    .map((r) => addr(r.base));
  expect(tramps.sort(), `${label} trampolines`).toEqual(snap.ftrace_trampolines.map((x) => x[0]).sort());
  if (snap.livepatch_sysfs) expect(livepatchSysfs(k), `${label} sysfs`).toEqual(snap.livepatch_sysfs);
  return { bytes, dataBytes };
}

describe('the 6.12 samples in the emulated 6.12 kernel, against the real one', () => {
  const totals: Tally = {
    ops: 0,
    peeks: 0,
    peekBytes: 0,
    sites: 0,
    clearedSites: 0,
    symbols: 0,
    snaps: 0,
    imageBytes: 0,
    dataBytes: 0,
  };
  for (const run of runs)
    test(run, async () => {
      const t = await replay(run);
      for (const key of Object.keys(totals) as Array<keyof Tally>) totals[key] += t[key];
    });

  test('covers every capture: operations, peeks and snaps', () => {
    // 35 insmod/rmmod/sysfs writes; 43 peeks (24 of the patches' .text, 19 of ftrace sites), 138
    // .klp.rela sites, 11 of them cleared after their target left; 20 snaps, 320 KiB of images
    expect(totals).toEqual({
      ops: 35,
      peeks: 43,
      peekBytes: 8468,
      sites: 138,
      clearedSites: 11,
      symbols: 60,
      snaps: 20,
      imageBytes: 327680,
      dataBytes: 153032,
    });
  });
});

test('refusals on an enabled patch, as the real 6.12 gave them: rmmod → EAGAIN, enabling it again → EINVAL', async () => {
  const k = new Kernel({ kernel: '6.12', vmlinux: vmlinux612 });
  for (const name of ['klp_demo_target', 'klp_demo_patch']) {
    const d = await sample612(name);
    expect(load_module(k, d.bytes, d.module.elf).ok).toBe(true);
  }
  const real = realRun('samples-refusals').steps;
  const rmmod = real.find((s) => s.cmd.startsWith('rmmod'))!;
  const enable = real.find((s) => s.cmd.startsWith('livepatch-enable'))!;
  expect([rmmod.errno?.name, realErrno(enable)]).toEqual(['EAGAIN', 'EINVAL']);
  expect(delete_module(k, 'klp_demo_patch')?.errnoName).toBe('EAGAIN');
  expect(enabled_store(k, 'klp_demo_patch', true)?.errnoName).toBe('EINVAL');
  // nothing changed: still loaded, enabled, holding its own module
  expect(livepatchSysfs(k)['/sys/kernel/livepatch/klp_demo_patch/enabled']).toBe('1');
  expect(k.findModule('klp_demo_patch')?.refcnt).toBe(1);
});

test('6.12 permissions: rodata_ro(false), data_nx, text_rox per allocation; trampolines from execmem_alloc, then set_memory_rox', async () => {
  const k = new Kernel({ kernel: '6.12', vmlinux: vmlinux612 });
  const t = await sample612('klp_demo_target');
  expect(load_module(k, t.bytes, t.module.elf).ok).toBe(true);
  const p = await sample612('klp_demo_patch');
  const from = k.trace.trace.steps.length;
  expect(load_module(k, p.bytes, p.module.elf).ok).toBe(true);
  const mod = k.findModule('klp_demo_patch')!;
  const events = k.trace.trace.steps.slice(from).flatMap((s) => s.events);
  // which allocation each set_memory_*() call covers, in order, up to the patch's init
  const typeAt = (addr: bigint) =>
    MOD_MEM_TYPES.find((ty) => mod.mem![ty].base === addr) ?? (addr >= MODULES_VADDR ? 'init or trampoline' : addr);
  const calls = events.flatMap((e) => (e.kind === 'perm' ? [`${e.fn} ${String(typeAt(e.addr))}`] : []));
  expect(calls.slice(0, 4)).toEqual([
    'set_memory_ro MOD_RODATA',
    'set_memory_nx MOD_DATA',
    'set_memory_nx MOD_RODATA',
    'set_memory_nx init or trampoline', // MOD_INIT_DATA, freed by the end of the load
  ]);
  expect(calls[4]).toBe('set_memory_rox MOD_TEXT');
  // one trampoline per patched function, each RO+X in one call
  const allocs = events.flatMap((e) => (e.kind === 'alloc' && e.region.module === 'ftrace' ? [e] : []));
  expect(allocs.map((a) => a.caller)).toEqual(['execmem_alloc', 'execmem_alloc', 'execmem_alloc']);
  for (const a of allocs)
    expect(
      events.filter((e) => e.kind === 'perm' && e.addr === a.region.base).map((e) => e.kind === 'perm' && e.fn),
    ).toEqual(['set_memory_rox']);
});
