// The committed klp-capture recordings (truth/v6.x/capture-*) for the tests (Node only): each as a
// recorded Trace, and beside it the emulation of its operations on the modules the recording loaded
// (public/samples/klp/*.ko on 6.1, public/samples/klp-6.12/*.ko on 6.12: see each recording's README).
import { readFileSync } from 'node:fs';
import type { ModuleLookup } from '../engine/modules.ts';
import { run } from '../engine/run.ts';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { decodeModule } from '../module_file.ts';
import { type Divergence, diffRecording } from '../recording/diff.ts';
import { emulatedOps, emulateRecording } from '../recording/emulate.ts';
import { parseRecording } from '../recording/parse.ts';
import { recordingToTrace } from '../recording/to_trace.ts';
import type { Recording } from '../recording/types.ts';
import type { Trace } from '../trace/types.ts';

const root = new URL('../../', import.meta.url);

export const RECORDINGS = [
  ['6.1', 'target-first'],
  ['6.1', 'late-load'],
  ['6.1', 'reload'],
  ['6.12', 'target-first'],
  ['6.12', 'late-load'],
  ['6.12', 'reload'],
] as const;
export type RecordingKernelDir = (typeof RECORDINGS)[number][0];

const recordingPath = (kernel: RecordingKernelDir, scenario: string) =>
  new URL(`truth/v${kernel}/capture-${scenario}/recording.txt`, root);

export function recording(kernel: RecordingKernelDir, scenario: string): Recording {
  return parseRecording(readFileSync(recordingPath(kernel, scenario), 'utf8'));
}

/** The samples the recording loaded and the vmlinux table of that kernel. */
const samplesOf = (kernel: RecordingKernelDir) =>
  kernel === '6.12'
    ? { dir: 'public/samples/klp-6.12/', kallsyms: 'public/samples/vmlinux-6.12.kallsyms' }
    : { dir: 'public/samples/klp/', kallsyms: 'public/samples/vmlinux.kallsyms' };

async function readSample(path: string): Promise<ModuleLookup> {
  const name = path.split('/').at(-1)!;
  const d = await decodeModule(new Uint8Array(readFileSync(new URL(path, root))), name);
  if (!d.ok) return { ok: false, closed: false, name, message: d.error.message };
  return { ok: true, module: { fileName: name, bytes: d.bytes, elf: d.module.elf } };
}

export interface RecordingComparison {
  real: Trace;
  emulated: Trace;
  kernel: string;
  divergences: Divergence[];
  outcomes: Array<{ what: string; ok: boolean; message?: string }>;
}

export async function compareRecording(kernel: RecordingKernelDir, scenario: string): Promise<RecordingComparison> {
  const real = recordingToTrace(recording(kernel, scenario));
  const { dir, kallsyms } = samplesOf(kernel);
  const emulation = emulateRecording(real, (name) => `${dir}${name}.ko`);
  const vmlinux = parseKallsyms(readFileSync(new URL(kallsyms, root), 'utf8')).filter((e) => !e.module);
  const r = await run(emulation.request, readSample, { vmlinux });
  return {
    real,
    emulated: r.trace,
    kernel: emulation.request.kernel,
    divergences: diffRecording(real, r.trace, emulatedOps(emulation, r.ops)),
    outcomes: r.outcomes,
  };
}

/** A divergence on one line, for exact lists: "kind real/emulated [known]: text". */
export const divergenceLine = (d: Divergence) =>
  `${d.kind} ${d.real ?? '-'}/${d.emulated ?? '-'}${d.known ? ' known' : ''}: ${d.text}`;
