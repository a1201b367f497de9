// Runs the emulated kernel over a sequence of insmod / rmmod in the worker. The UI only gets
// the Trace back: what the kernel did is decided here, by the core, never by a view.

import { auditTrace } from '../../src/audit/auditor.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import type { KallsymsEntry } from '../../src/kernel/kallsyms.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { delete_module, load_module } from '../../src/kernel/module/main.ts';
import { decodeModule } from '../../src/module_file.ts';
import { runScenario, type ScenarioModules } from '../../src/scenarios/run.ts';
import type { OpRef } from '../../src/trace/compare.ts';
import type {
  CompareColumn,
  CompareReply,
  CompareRequest,
  ScenarioReply,
  ScenarioRequest,
  SequenceOutcome,
  SequenceReply,
  SequenceRequest,
} from './protocol.ts';

export interface KeptFile {
  bytes: Uint8Array;
  fileName: string;
}

export interface DecodedCache {
  get(handle: number): { bytes: Uint8Array; elf: ElfObject } | undefined;
  set(handle: number, value: { bytes: Uint8Array; elf: ElfObject }): void;
}

export async function runSequence(
  request: SequenceRequest,
  kallsyms: { vmlinux: KallsymsEntry[]; modules: KallsymsEntry[] },
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<SequenceReply> {
  const t0 = performance.now();
  const k = new Kernel({
    kernel: request.kernel,
    vmlinux: kallsyms.vmlinux,
    moduleSymbols: kallsyms.modules,
    fakeMissingSymbols: request.fakeMissingSymbols ?? false,
  });
  const outcomes: SequenceOutcome[] = [];
  for (const op of request.steps) {
    if (op.op === 'rmmod') {
      const err = delete_module(k, op.name);
      outcomes.push({
        what: `rmmod ${op.name}`,
        ok: !err,
        ...(err ? { message: err.message || `rmmod: ERROR: Module ${op.name} is not currently loaded` } : {}),
      });
      if (err) break;
      continue;
    }
    const file = files(op.handle);
    if (!file) {
      outcomes.push({ what: `insmod (handle ${op.handle})`, ok: false, message: 'the file is no longer open' });
      break;
    }
    let decoded = cache.get(op.handle);
    if (!decoded) {
      const r = await decodeModule(file.bytes, file.fileName);
      if (!r.ok) {
        outcomes.push({ what: `insmod ${file.fileName}`, ok: false, message: r.error.message || r.error.errnoName });
        break;
      }
      decoded = { bytes: r.bytes, elf: r.module.elf };
      cache.set(op.handle, decoded);
    }
    const r = load_module(k, decoded.bytes, decoded.elf);
    outcomes.push({
      what: `insmod ${file.fileName}`,
      ok: r.ok,
      ...(r.ok ? {} : { message: r.error?.message || r.error?.errnoName || 'refused' }),
    });
    if (!r.ok) break;
  }
  return { trace: k.trace.trace, audit: auditTrace(k.trace.trace), outcomes, runMs: performance.now() - t0 };
}

async function decodedOf(handle: number, files: (handle: number) => KeptFile | undefined, cache: DecodedCache) {
  const file = files(handle);
  if (!file) throw new Error('a module of the scenario is no longer open');
  let d = cache.get(handle);
  if (!d) {
    const r = await decodeModule(file.bytes, file.fileName);
    if (!r.ok) throw new Error(r.error.message || r.error.errnoName);
    d = { bytes: r.bytes, elf: r.module.elf };
    cache.set(handle, d);
  }
  return { fileName: file.fileName, ...d };
}

export async function runScenarioRequest(
  request: ScenarioRequest,
  kallsyms: { vmlinux: KallsymsEntry[] },
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<ScenarioReply> {
  const t0 = performance.now();
  const mods: ScenarioModules = {};
  for (const [role, handle] of Object.entries(request.roles) as Array<[keyof ScenarioModules, number]>)
    mods[role] = await decodedOf(handle, files, cache);
  const run = runScenario(request.strategy, request.scenario, mods, kallsyms.vmlinux);
  if (run.kind === 'refused')
    return { trace: null, audit: null, outcomes: [], refused: run.reason, runMs: performance.now() - t0 };
  const outcomes = run.outcomes.map((o) => ({
    what: `${o.op.op} ${o.module}`,
    ok: o.ok,
    ...(o.ok ? {} : { message: o.message || o.errno || 'refused' }),
  }));
  const ops: OpRef[] = run.outcomes.map((o) => ({
    op: {
      op: o.op.op,
      role: o.op.role,
      ...(o.op.op === 'insmod' && o.op.dependency ? { dependency: o.op.dependency } : {}),
    },
    module: o.module,
    ok: o.ok,
    step: o.step,
    ...(o.errno ? { errno: o.errno } : {}),
    ...(o.message ? { message: o.message } : {}),
  }));
  return {
    trace: run.trace,
    audit: auditTrace(run.trace),
    outcomes,
    ops,
    ...(run.packaging ? { packaging: run.packaging } : {}),
    runMs: performance.now() - t0,
  };
}

/** Every requested strategy over the same scenario and modules. */
export async function compareScenarioRequest(
  request: CompareRequest,
  kallsyms: { vmlinux: KallsymsEntry[] },
  files: (handle: number) => KeptFile | undefined,
  cache: DecodedCache,
): Promise<CompareReply> {
  const t0 = performance.now();
  const columns: CompareColumn[] = [];
  for (const strategy of request.strategies) {
    try {
      columns.push({
        strategy,
        ...(await runScenarioRequest(
          { strategy, scenario: request.scenario, roles: request.roles },
          kallsyms,
          files,
          cache,
        )),
      });
    } catch (e) {
      columns.push({
        strategy,
        trace: null,
        audit: null,
        outcomes: [],
        refused: e instanceof Error ? e.message : String(e),
        runMs: 0,
      });
    }
  }
  return { columns, runMs: performance.now() - t0 };
}
