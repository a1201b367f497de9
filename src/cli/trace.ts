// klp-lab trace FILE.ko … [--format ascii|json] [--step N]: load the modules in order and print
// what the emulated kernel did.
import { parseArgs } from 'node:util';
import type { ResolveModule } from '../engine/modules.ts';
import type { RequestOf } from '../engine/request.ts';
import { runSequence } from '../engine/sequence.ts';
import { stepAscii, traceAscii } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import { CliError, readKallsyms, readModule } from './io.ts';
import { kernelId, kernelOptions } from './kernel_options.ts';

/** A path read when its insmod comes (a file that cannot be read ends the command with its error). */
const readPath: ResolveModule<string> = async (path) => {
  const { bytes, elf } = await readModule(path);
  return { ok: true, module: { fileName: elf.fileName, bytes, elf } };
};

export async function traceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...kernelOptions, format: { type: 'string', default: 'ascii' }, step: { type: 'string' } },
  });
  if (!positionals.length) throw new CliError('trace: which modules? klp-lab trace FILE.ko ...');
  if (values.format !== 'ascii' && values.format !== 'json')
    throw new CliError(`--format ${values.format}: ascii or json`);
  const request: RequestOf<'sequence', string> = {
    kind: 'sequence',
    kernel: kernelId(values.kernel),
    ops: positionals.map((path) => ({ op: 'insmod', module: path })),
    fakeMissingSymbols: values['fake-missing-symbols'],
  };
  const { vmlinux, modules } = readKallsyms(values.kallsyms);
  const { trace, outcomes } = await runSequence(request, readPath, { vmlinux, moduleSymbols: modules });
  const failed = outcomes.find((o) => !o.ok);
  if (values.format === 'json')
    console.log(traceToJson(trace, values.step === undefined ? undefined : Number(values.step)));
  else console.log((values.step === undefined ? traceAscii(trace) : stepAscii(trace, Number(values.step))).join('\n'));
  if (failed) throw new CliError(failed.message || `${failed.module}: ${failed.errno}`);
  return 0;
}
