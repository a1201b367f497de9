// klp-lab trace FILE.ko … [--base ADDR …] [--format ascii|json] [--step N]: load the modules in
// order and print what the emulated kernel did, a step at a time as it is written out.
// With --recording FILE: recording.ts.
import type { ResolveModule } from '../engine/modules.ts';
import type { RequestOf } from '../engine/request.ts';
import { runSequence } from '../engine/sequence.ts';
import { profiles } from '../kernel/profile.ts';
import { stepAscii, traceAsciiSteps } from '../trace/ascii.ts';
import { traceToJson, writeTraceJson } from '../trace/json.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { CliError, readModule } from './io.ts';
import { kernelId, symbolFiles } from './kernel_options.ts';
import { Output } from './output.ts';
import { placement } from './placement.ts';
import { traceRecordingCommand } from './recording.ts';

/** A path read when its insmod comes (a file that cannot be read ends the command with its error). */
const readPath: ResolveModule<string> = async (path) => {
  const { bytes, elf } = await readModule(path);
  return { ok: true, module: { fileName: elf.fileName, bytes, elf } };
};

export async function traceCommand(args: ParsedArgs): Promise<number> {
  if (args.string('recording') !== undefined) return traceRecordingCommand(args);
  const paths = args.positionals;
  if (!paths.length) throw new UsageError('missing FILE.ko');
  const place = placement(args, paths.length, profiles[kernelId(args)]);
  const step = args.step();
  const request: RequestOf<'sequence', string> = {
    kind: 'sequence',
    kernel: kernelId(args),
    ops: paths.map((path) => ({ op: 'insmod', module: path })),
    fakeMissingSymbols: args.flag('fake-missing-symbols'),
  };
  const { vmlinux, modules, exports } = symbolFiles(args);
  const tables = { vmlinux, moduleSymbols: modules, vmlinuxExports: exports };
  const { trace, outcomes } = await runSequence(request, readPath, tables, place);
  const failed = outcomes.find((o) => !o.ok);
  const out = new Output();
  if (args.string('format') === 'json') {
    if (step === undefined) writeTraceJson(trace, (chunk) => out.json(chunk));
    else out.json(traceToJson(trace, step));
    out.line('');
  } else if (step !== undefined) for (const l of stepAscii(trace, step)) out.line(l);
  else for (const lines of traceAsciiSteps(trace)) for (const l of lines) out.line(l);
  out.flush();
  if (failed) throw new CliError(failed.message || `${failed.module}: ${failed.errno}`);
  return 0;
}
