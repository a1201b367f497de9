// klp-lab trace --recording FILE [A.ko …] [--format ascii|json] [--step N]: a klp-capture
// recording printed as a trace; with the modules it loaded, the emulation of the same operations
// beside it and every divergence. A recording the parser refuses ends the command with the
// parser's message, which names the line.
import { readFileSync } from 'node:fs';
import { kernelChoices } from '../engine/kernels.ts';
import type { ModuleLookup } from '../engine/modules.ts';
import { run } from '../engine/run.ts';
import type { KernelId } from '../kernel/profile.ts';
import { type Divergence, diffRecording } from '../recording/diff.ts';
import { emulatedOps, emulateRecording } from '../recording/emulate.ts';
import { parseRecording, RecordingError } from '../recording/parse.ts';
import { recordingToTrace } from '../recording/to_trace.ts';
import { stepAscii, traceAscii, wrap } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import type { Trace } from '../trace/types.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { CliError, readModule } from './io.ts';
import { type ExportsMode, readKallsyms } from './kallsyms.ts';
import { sayJson, sayLines, warn } from './output.ts';

/** The shipped vmlinux table of a kernel profile (the one its built-in samples were built against). */
const shippedVmlinuxTable = (kernel: KernelId) =>
  new URL(`../../public/samples/${kernelChoices[kernel].kallsyms}`, import.meta.url);

function readRecording(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file' : String(e)}`);
  }
  try {
    return recordingToTrace(parseRecording(text));
  } catch (e) {
    if (e instanceof RecordingError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}

interface RecordingComparison {
  /** The emulated kernel profile. */
  kernel: string;
  outcomes: Array<{ what: string; ok: boolean; message?: string }>;
  /** Modules the recording loads that were not given: the emulation stops before the first. */
  missing: string[];
  divergences: Divergence[];
}

/** The emulation of the recording's operations with `paths` (matched by module name), and the divergences. */
async function compareWithEmulation(real: Trace, paths: string[], args: ParsedArgs): Promise<RecordingComparison> {
  const byName = new Map<string, string>();
  for (const path of paths) {
    const { elf } = await readModule(path);
    const name = elf.modinfo.find((e) => e.key === 'name')?.value ?? elf.fileName.replace(/\.ko.*$/, '');
    byName.set(name, path);
  }
  const emulation = emulateRecording(real, (name) => byName.get(name));
  const kernel = args.string('kernel');
  if (kernel) emulation.request.kernel = kernel as KernelId;
  const given = args.strings('kallsyms');
  const files = readKallsyms(
    given.length ? given : [shippedVmlinuxTable(emulation.request.kernel).pathname],
    args.string('exports') as ExportsMode | undefined,
    emulation.request.kernel,
  );
  if (files.notice) warn(files.notice);
  const tables = { vmlinux: files.vmlinux, moduleSymbols: files.modules, vmlinuxExports: files.exports };
  const resolve = async (path: string): Promise<ModuleLookup> => {
    const { bytes, elf } = await readModule(path);
    return { ok: true, module: { fileName: elf.fileName, bytes, elf } };
  };
  const r = await run(emulation.request, resolve, tables);
  return {
    kernel: emulation.request.kernel,
    outcomes: r.outcomes,
    missing: emulation.missing,
    divergences: diffRecording(real, r.trace, emulatedOps(emulation, r.ops)),
  };
}

/** "  12 / 34  permission  text", wrapped under 80 columns; a known one's reason on its own lines. */
const divergenceText = (d: Divergence): string[] => [
  ...wrap(
    d.text,
    79,
    `  ${String(d.real ?? '-').padStart(4)} / ${String(d.emulated ?? '-').padEnd(4)} ${d.kind.padEnd(10)} `,
  ),
  ...(d.known ? wrap(d.known, 79, `${' '.repeat(25)}known: `, ' '.repeat(32)) : []),
];

/** The recording as text: its header, its steps (or one), then the comparison if there is one. */
function recordingAscii(real: Trace, step: number | undefined, comparison?: RecordingComparison): string[] {
  const r = real.recorded!;
  const out = [
    `recorded on a real kernel: ${r.release} (Linux ${r.version}), by capture/klp-capture`,
    ...(r.command ? [`command: ${r.command}`] : []),
    ...r.ops.map(
      (o) =>
        `  step ${String(o.step).padStart(4)}  ${o.op} ${o.module}: ${o.ok ? 'ok' : `${o.errno ?? 'failed'}${o.message ? ` (${o.message})` : ''}`}`,
    ),
    'writes: address and length only (the probes do not record bytes)',
    '',
    ...(step === undefined ? traceAscii(real) : stepAscii(real, step)),
  ];
  if (!comparison) return out;
  out.push('', `emulation of the same operations on the ${comparison.kernel} kernel profile:`);
  for (const o of comparison.outcomes) out.push(`  ${o.what}: ${o.ok ? 'ok' : (o.message ?? 'failed')}`);
  for (const m of comparison.missing) out.push(`  ${m}: no .ko given, the emulation stops before it`);
  const known = comparison.divergences.filter((d) => d.known).length;
  out.push(
    '',
    `divergences: ${comparison.divergences.length} (${known} known and explained, ${comparison.divergences.length - known} not)`,
  );
  if (comparison.divergences.length) out.push('  real / emulated step, kind, what differs');
  for (const d of comparison.divergences) out.push(...divergenceText(d));
  return out;
}

/** The recording as JSON: the trace's JSON with `recorded`, and `emulation` / `divergences` when compared. */
function recordingJson(real: Trace, step: number | undefined, comparison?: RecordingComparison): string {
  const trace = JSON.parse(traceToJson(real, step)) as Record<string, unknown>;
  const value = {
    ...trace,
    recorded: real.recorded,
    ...(comparison
      ? {
          emulation: { kernel: comparison.kernel, outcomes: comparison.outcomes, missing: comparison.missing },
          divergences: comparison.divergences,
        }
      : {}),
  };
  return JSON.stringify(value, null, 1);
}

/** Options that place or fake an emulated load: a recording's operations are the real kernel's. */
const NOT_WITH_RECORDING = ['base', 'init-base', 'percpu-base', 'fake-missing-symbols'];

export async function traceRecordingCommand(args: ParsedArgs): Promise<number> {
  for (const o of NOT_WITH_RECORDING)
    if (args.flag(o) || args.string(o) !== undefined) throw new UsageError(`--${o}: not with --recording`);
  const real = readRecording(args.string('recording')!);
  const step = args.step();
  if (step !== undefined && !real.steps[step])
    throw new CliError(`--step ${step}: the recording has steps 0 to ${real.steps.length - 1}`);
  const comparison = args.positionals.length ? await compareWithEmulation(real, args.positionals, args) : undefined;
  if (args.string('format') === 'json') sayJson(recordingJson(real, step, comparison));
  else sayLines(recordingAscii(real, step, comparison));
  return 0;
}
