// The explainer's view models over a real trace: the sample target, then the sample livepatch, on 6.1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { Kernel } from '../kernel/kernel.ts';
import { load_module } from '../kernel/module/main.ts';
import { decodeModule } from '../module_file.ts';
import { buildPageMap, regionAt, sitesOfStep } from './page_map.ts';
import { PERM_LABEL, PermCode } from './perm_code.ts';
import { phaseOf, phaseRuns, stateBands } from './phases.ts';
import { permLetters, regionsAt } from './replay.ts';
import { sourceLink, stepSourceLink } from './source_link.ts';
import { summarizeStep } from './step_summary.ts';
import type { Trace } from './types.ts';

const root = new URL('../../', import.meta.url);
const vmlinux = parseKallsyms(readFileSync(new URL('public/samples/vmlinux.kallsyms', root), 'utf8')).filter(
  (e) => !e.module,
);

async function sampleTrace(): Promise<Trace> {
  const k = new Kernel({ kernel: '6.1', vmlinux });
  for (const f of ['klp_demo_target', 'klp_demo_patch']) {
    const r = await decodeModule(new Uint8Array(readFileSync(new URL(`public/samples/klp/${f}.ko`, root))), `${f}.ko`);
    if (!r.ok) throw new Error(r.error.message);
    expect(load_module(k, r.bytes, r.module.elf).ok).toBe(true);
  }
  return k.trace.trace;
}

describe('page map', async () => {
  const trace = await sampleTrace();
  const map = buildPageMap(trace);

  it('per-step snapshots agree with replaying the events (regionsAt) at every step', () => {
    for (let s = 0; s < trace.steps.length; s++) {
      const replayed = regionsAt(trace, s).filter((r) => !r.freed);
      for (const r of replayed) {
        const info = regionAt(map, r.region.base, s)!;
        const codes = Array.from(map.perms[s]![info.id]!, (c) => PERM_LABEL[c as PermCode]);
        expect(codes).toEqual(
          r.perms.map((p) => ({ 'r-x': 'RX', 'r--': 'RO', 'rw-': 'RW', rwx: 'RWX!' })[permLetters(p)]),
        );
      }
    }
  });

  it("complete_formation turns the target's first text page RW → RO → RX", () => {
    const target = map.lanes
      .find((l) => l.module === 'klp_demo_target')!
      .regions.find((r) => r.region.name === 'core')!;
    const seq: number[] = [];
    for (let s = target.allocStep; s < trace.steps.length; s++) {
      const p = map.perms[s]![target.id]![0]!;
      if (seq.at(-1) !== p) seq.push(p);
      if (trace.steps[s]!.path.includes('do_init_module')) break;
    }
    expect(seq).toEqual([PermCode.RW, PermCode.RO, PermCode.RX]);
  });

  it('records the copied sections and every relocation write as a site of its region', () => {
    const core = map.regions.find((r) => r.region.module === 'klp_demo_target' && r.region.name === 'core')!;
    expect(core.sections.map((s) => s.name)).toContain('.text');
    const reloc = trace.steps.find((s) => s.path.includes('apply_relocate_add') && s.module === 'klp_demo_target')!;
    const [lo, hi] = sitesOfStep(core.sites, reloc.index);
    expect(hi - lo).toBeGreaterThan(0);
  });

  it('a region freed at a step is Freed from then on; a region allocated later at its address is a new region', () => {
    const init = map.regions.find((r) => r.region.module === 'klp_demo_target' && r.region.name === 'init')!;
    expect(init.freeStep).toBeDefined();
    expect(Array.from(map.perms[init.freeStep!]![init.id]!)).toEqual(Array(init.pages).fill(PermCode.Freed));
  });
});

describe('phases and states', async () => {
  const trace = await sampleTrace();
  it('the deepest phase function on a step path names its phase', () => {
    expect(
      phaseOf({
        index: 0,
        path: ['load_module', 'post_relocation', 'module_finalize', 'apply_returns'],
        title: '',
        events: [],
      }),
    ).toBe('module_finalize');
  });
  it('each load has its own apply_relocations and complete_formation runs, in order', () => {
    const runs = phaseRuns(trace);
    const cf = runs.filter((r) => r.phase === 'complete_formation');
    expect(cf.map((r) => r.module)).toEqual(['klp_demo_target', 'klp_demo_patch']);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.from).toBe(runs[i - 1]!.to);
  });
  it("module states come from 'state' events: UNFORMED, COMING, LIVE", () => {
    const { modules, bands } = stateBands(trace);
    expect(modules).toEqual(['klp_demo_target', 'klp_demo_patch']);
    expect(bands.filter((b) => b.module === 'klp_demo_target').map((b) => b.state)).toEqual([
      'UNFORMED',
      'COMING',
      'LIVE',
    ]);
  });
});

describe('source links and step summaries', async () => {
  const trace = await sampleTrace();
  it('v6.1.192 functions link to their definition line on elixir', () => {
    expect(sourceLink('complete_formation', 'v6.1.192 (Debian 6.1.192-2)')?.url).toMatch(
      /^https:\/\/elixir\.bootlin\.com\/linux\/v6\.1\.192\/source\/kernel\/module\/main\.c#L\d+$/,
    );
    expect(sourceLink('module_enable_ro', 'v5.4')?.url).toBe(
      'https://elixir.bootlin.com/linux/v5.4/C/ident/module_enable_ro',
    );
    expect(sourceLink('mod->exit', 'v6.1.192', 'kernel/module/main.c')?.url).toBe(
      'https://elixir.bootlin.com/linux/v6.1.192/source/kernel/module/main.c',
    );
    for (const s of trace.steps) expect(stepSourceLink(s, trace.kernel)).toBeDefined();
  });
  it('module_enable_ro summarises its flips RW→RO with the TLB flush kind', () => {
    const map = buildPageMap(trace);
    const ro = trace.steps.find((s) => s.path.at(-1) === 'module_enable_ro')!;
    const sum = summarizeStep(trace, ro, map);
    expect(
      sum.flips.some(
        (f) => f.changed.some((c) => c.from === PermCode.RW && c.to === PermCode.RO) && f.flush !== 'none',
      ),
    ).toBe(true);
  });
});
