// A recording beside the emulation of the same operations: the modules recordingModules() picks,
// the run in the worker against that kernel's vmlinux table, and the two columns and divergences
// the comparison view shows. The core decides what
// differs (src/recording/diff.ts); nothing here compares traces.
import { kernelChoices } from '../../../src/engine/kernels.ts';
import type { ResultOf } from '../../../src/engine/run.ts';
import type { KernelId } from '../../../src/kernel/profile.ts';
import { diffRecording } from '../../../src/recording/diff.ts';
import { emulatedOps, emulateRecording } from '../../../src/recording/emulate.ts';
import { metricsRow, type OpRef } from '../../../src/trace/compare.ts';
import type { RecordedOp, Trace } from '../../../src/trace/types.ts';
import { builtinUrl } from '../../builtin_modules.ts';
import { type OpenedRecording, useKlp, worker } from '../../store.ts';
import { compareStore } from '../compare/compare_store.ts';
import type { CompareColumnState } from '../compare/rows.ts';
import { explainStore } from '../state/explain_store.ts';
import { provideAudit, traceModel } from '../state/model.ts';
import { type ModuleSource, recordingModules } from './recording_modules.ts';

const stashed = new Map<string, { handle: number; restarts: number }>();

async function handleOf(source: ModuleSource): Promise<number> {
  if (source.kind === 'file') return source.file.handle;
  const restarts = worker().restarts;
  const cached = stashed.get(source.path);
  if (cached && cached.restarts === restarts) return cached.handle;
  const response = await fetch(builtinUrl(source.path));
  if (!response.ok) throw new Error(`samples/${source.path}: HTTP ${response.status}`);
  const handle = await worker().stash(await response.arrayBuffer(), source.path.split('/').pop()!);
  stashed.set(source.path, { handle, restarts });
  return handle;
}

/** The kernel's shipped vmlinux table in the worker, under its file name. */
async function ensureTable(kernel: KernelId): Promise<string> {
  const table = kernelChoices[kernel].kallsyms;
  if (!worker().hasKallsyms(table)) {
    const response = await fetch(builtinUrl(table));
    if (!response.ok) throw new Error(`samples/${table}: HTTP ${response.status}`);
    await worker().setKallsyms(await response.text(), table);
  }
  return table;
}

const asOpRef = (o: RecordedOp): OpRef => ({
  op: { op: o.op, role: o.module },
  module: o.module,
  ok: o.ok,
  step: o.step,
  ...(o.errno ? { errno: o.errno } : {}),
  ...(o.message ? { message: o.message } : {}),
});

function column(
  id: string,
  name: string,
  reality: string,
  kernel: string,
  trace: Trace,
  ops: RecordedOp[],
  outcomes: CompareColumnState['outcomes'],
  runMs: number,
): CompareColumnState {
  const audit = traceModel(trace).audit;
  const refs = ops.map(asOpRef);
  return {
    strategy: { id, name, reality, kernel, reconstruction: false },
    trace,
    outcomes,
    ops: refs,
    audit,
    metrics: metricsRow(audit.metrics, refs),
    runMs,
  };
}

/** Runs the emulation of the recording on screen and shows both side by side with their divergences. */
export async function compareRecordingWithEmulation(recording: OpenedRecording): Promise<void> {
  const t0 = performance.now();
  const seq = compareStore.getState().seq + 1;
  compareStore.setState({ seq, status: { kind: 'running' }, divergences: null, alignment: null, playing: false });
  explainStore.getState().setRecordingCompared(true);
  try {
    await compare(recording, t0, seq);
  } catch (e) {
    if (compareStore.getState().seq !== seq) return;
    compareStore.setState({ status: { kind: 'error', message: e instanceof Error ? e.message : String(e) } });
  }
}

async function compare(recording: OpenedRecording, t0: number, seq: number): Promise<void> {
  const real = recording.trace;
  const { kernel, sources } = recordingModules(recording, useKlp.getState().files);
  const handles = new Map<string, number>();
  for (const [name, source] of sources) handles.set(name, await handleOf(source));
  const emulation = emulateRecording(real, (name) => handles.get(name));
  emulation.request.kernel = kernel;
  const table = await ensureTable(kernel);
  const result: ResultOf<'sequence'> = await worker().run(emulation.request, table);
  provideAudit(result.trace, result.audit);
  const ops = emulatedOps(emulation, result.ops);
  const divergences = diffRecording(real, result.trace, ops);
  const r = real.recorded!;
  const realOutcomes = r.ops.map((o) => ({
    what: `${o.op} ${o.module}`,
    ok: o.ok,
    ...(o.ok ? {} : { message: o.message ?? o.errno ?? 'refused' }),
  }));
  const columns = [
    column(
      'real kernel',
      `${r.release} (recorded)`,
      'recorded by klp-capture',
      r.version,
      real,
      r.ops,
      realOutcomes,
      0,
    ),
    column(
      'emulation',
      `the ${kernelChoices[kernel].label} profile`,
      kernelChoices[kernel].title,
      kernel,
      result.trace,
      ops,
      result.outcomes,
      result.runMs,
    ),
  ];
  if (compareStore.getState().seq !== seq) return;
  compareStore.getState().showRecording(columns, divergences, {
    runMs: result.runMs,
    totalMs: performance.now() - t0,
  });
}
