// The core runner on the sample modules: what a sequence, a scenario and a comparison give back,
// exactly (outcomes, step counts, where each operation starts), and how refusals and modules the
// caller cannot provide end a run.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decodeModule } from '../module_file.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { decodedModule, type ModuleFile, type ModuleLookup } from './modules.ts';
import type { RequestOf, RoleModules } from './request.ts';
import { run } from './run.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const root = new URL('../../', import.meta.url);
const TARGET = 'public/samples/klp/klp_demo_target.ko';
const PATCH = 'public/samples/klp/klp_demo_patch.ko';
const UNCONVERTED = 'public/samples/klp/unconverted/klp_demo_patch.ko';

/** Reads paths as the CLI does, and remembers which it was asked for. */
function reader() {
  const asked: string[] = [];
  const resolve = async (path: string): Promise<ModuleLookup> => {
    asked.push(path);
    const name = path.split('/').at(-1)!;
    const d = await decodeModule(new Uint8Array(readFileSync(new URL(path, root))), name);
    if (!d.ok) return { ok: false, closed: false, name, message: d.error.message };
    return { ok: true, module: { fileName: name, bytes: d.bytes, elf: d.module.elf } };
  };
  return { asked, resolve };
}

const sequence = (...ops: RequestOf<'sequence', string>['ops']): RequestOf<'sequence', string> => ({
  kind: 'sequence',
  kernel: '6.1',
  ops,
  fakeMissingSymbols: false,
});

describe('a sequence', () => {
  test('insmod of the sample target, then of its livepatch, on 6.1: both load, 86 steps, no verdict', async () => {
    const r = await run(sequence({ op: 'insmod', module: TARGET }, { op: 'insmod', module: PATCH }), reader().resolve, {
      vmlinux,
    });
    expect(r.kind).toBe('sequence');
    expect(r.trace.steps).toHaveLength(86);
    expect(r.outcomes).toEqual([
      { what: 'insmod klp_demo_target.ko', ok: true },
      { what: 'insmod klp_demo_patch.ko', ok: true },
    ]);
    expect(r.audit.verdicts).toEqual([]);
    expect(r.audit.metrics.steps).toBe(86);
  });

  test('rmmod of a loaded module: 9 more steps', async () => {
    const r = await run(
      sequence(
        { op: 'insmod', module: TARGET },
        { op: 'insmod', module: PATCH },
        { op: 'rmmod', name: 'klp_demo_target' },
      ),
      reader().resolve,
      { vmlinux },
    );
    expect(r.trace.steps).toHaveLength(95);
    expect(r.outcomes.at(-1)).toEqual({ what: 'rmmod klp_demo_target', ok: true });
  });

  test('rmmod of a module not loaded: rmmod’s words, nothing traced, and the sequence stops there', async () => {
    const { asked, resolve } = reader();
    const r = await run(sequence({ op: 'rmmod', name: 'klp_demo_target' }, { op: 'insmod', module: TARGET }), resolve, {
      vmlinux,
    });
    expect(r.trace.steps).toHaveLength(0);
    expect(r.outcomes).toEqual([
      {
        what: 'rmmod klp_demo_target',
        ok: false,
        message: 'rmmod: ERROR: Module klp_demo_target is not currently loaded',
      },
    ]);
    expect(asked).toEqual([]);
  });

  test('a refusal: the unconverted livepatch stops the sequence with the kernel’s message; later files are not read', async () => {
    const { asked, resolve } = reader();
    const r = await run(sequence({ op: 'insmod', module: UNCONVERTED }, { op: 'insmod', module: TARGET }), resolve, {
      vmlinux,
    });
    expect(r.trace.steps).toHaveLength(10);
    expect(r.outcomes).toEqual([
      {
        what: 'insmod klp_demo_patch.ko',
        ok: false,
        message: 'klp_demo_patch: Unknown symbol klp_demo_greetings (err -2)',
      },
    ]);
    expect(asked).toEqual([UNCONVERTED]);
  });

  test('a module the caller cannot provide is that insmod’s failure, in the caller’s words', async () => {
    const closed = (handle: number): ModuleLookup =>
      handle === 1
        ? { ok: true, module: mods.T! }
        : { ok: false, closed: true, name: `(handle ${handle})`, message: 'the file is no longer open' };
    const r = await run(
      {
        kind: 'sequence',
        kernel: '5.4',
        ops: [
          { op: 'insmod', module: 1 },
          { op: 'insmod', module: 7 },
        ],
        fakeMissingSymbols: false,
      },
      closed,
      { vmlinux },
    );
    expect(r.outcomes).toEqual([
      { what: 'insmod klp_demo_target.ko', ok: true },
      { what: 'insmod (handle 7)', ok: false, message: 'the file is no longer open' },
    ]);
  });
});

describe('a scenario', () => {
  const scenario = (strategy: 'text-poke' | 'v5.4-flip' | 'forbid-late', name: 'late-load' | 'reload') =>
    run({ kind: 'scenario', strategy, scenario: name, roles: mods }, decodedModule, { vmlinux });

  test('text-poke × late-load: 89 steps, the target’s insmod starting at step 44', async () => {
    const r = await scenario('text-poke', 'late-load');
    expect(r.kind).toBe('scenario');
    expect(r.strategy).toBe('text-poke');
    expect(r.trace?.steps).toHaveLength(89);
    expect(r.outcomes).toEqual([
      { what: 'insmod klp_demo_patch', ok: true },
      { what: 'insmod klp_demo_target', ok: true },
    ]);
    expect(r.ops).toEqual([
      { op: { op: 'insmod', role: 'P' }, module: 'klp_demo_patch', ok: true, step: 0 },
      { op: { op: 'insmod', role: 'T' }, module: 'klp_demo_target', ok: true, step: 44 },
    ]);
    expect(r.audit?.verdicts).toEqual([]);
    expect(r.refused).toBeUndefined();
  });

  test('v5.4-flip × reload: the target cannot come back (ENOEXEC, the loader’s message)', async () => {
    const r = await scenario('v5.4-flip', 'reload');
    expect(r.trace?.steps).toHaveLength(162);
    expect(r.ops.map((o) => [o.op.op, o.module, o.step, o.ok, o.errno])).toEqual([
      ['insmod', 'klp_demo_patch', 0, true, undefined],
      ['insmod', 'klp_demo_target', 50, true, undefined],
      ['rmmod', 'klp_demo_target', 107, true, undefined],
      ['insmod', 'klp_demo_target', 121, false, 'ENOEXEC'],
    ]);
    expect(r.outcomes.at(-1)).toEqual({
      what: 'insmod klp_demo_target',
      ok: false,
      message:
        'module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type 11, loc 000000003690927b, val ffffffffc020c110',
    });
    expect(r.audit?.verdicts).toHaveLength(50);
  });

  test('a refusal by policy: forbid-late × late-load gives no trace, only the reason', async () => {
    const r = await scenario('forbid-late', 'late-load');
    expect(r).toMatchObject({ trace: null, audit: null, outcomes: [], ops: [] });
    expect(r.refused).toBe(
      'forbid-late refuses late-load: klp_demo_target was already loaded as a dependency of klp_demo_patch — a target cannot arrive after its patch in this design',
    );
  });

  test('a role the caller cannot provide fails the run', async () => {
    const roles: RoleModules<number> = { P: 1, T: 2 };
    const gone = (): ModuleLookup => ({
      ok: false,
      closed: true,
      name: '(handle 1)',
      message: 'the file is no longer open',
    });
    await expect(
      run({ kind: 'scenario', strategy: 'text-poke', scenario: 'late-load', roles }, gone, { vmlinux }),
    ).rejects.toThrow('a module of the scenario is no longer open');
  });
});

describe('a comparison', () => {
  test('one column per strategy, in the request’s order; a design’s refusal is its column', async () => {
    const r = await run(
      { kind: 'compare', strategies: ['v5.4-flip', 'text-poke', 'split'], scenario: 'atomic-replace', roles: mods },
      decodedModule,
      { vmlinux },
    );
    expect(r.columns.map((c) => [c.strategy, c.trace?.steps.length ?? null, c.refused ?? null])).toEqual([
      ['v5.4-flip', 158, null],
      ['text-poke', 133, null],
      [
        'split',
        null,
        'split refuses atomic-replace: atomic replace would have to become per-object, which the POC did not work out',
      ],
    ]);
  });

  test('a module that is not a module the loader takes refuses every column with the decoder’s message', async () => {
    const bad = (m: ModuleFile | 'garbage'): ModuleLookup =>
      m === 'garbage'
        ? { ok: false, closed: false, name: 'garbage.ko', message: 'Invalid ELF header magic: != \x7fELF' }
        : { ok: true, module: m };
    const r = await run(
      {
        kind: 'compare',
        strategies: ['text-poke', 'module-memory'],
        scenario: 'late-load',
        roles: { ...mods, T: 'garbage' as const },
      },
      bad,
      { vmlinux },
    );
    expect(r.columns.map((c) => [c.strategy, c.trace, c.refused, c.runMs])).toEqual([
      ['text-poke', null, 'Invalid ELF header magic: != \x7fELF', 0],
      ['module-memory', null, 'Invalid ELF header magic: != \x7fELF', 0],
    ]);
  });
});
