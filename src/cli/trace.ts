// klp-lab trace FILE.ko … [--format ascii|json] [--step N]: load the modules in order and print
// what the emulated kernel did.
import { parseArgs } from 'node:util';
import { load_module } from '../kernel/module/main.ts';
import { stepAscii, traceAscii } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import { CliError, readModule } from './io.ts';
import { kernelOptions, makeKernel } from './kernel_options.ts';

export async function traceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...kernelOptions, format: { type: 'string', default: 'ascii' }, step: { type: 'string' } },
  });
  if (!positionals.length) throw new CliError('trace: which modules? klp-lab trace FILE.ko ...');
  if (values.format !== 'ascii' && values.format !== 'json')
    throw new CliError(`--format ${values.format}: ascii or json`);
  const k = makeKernel(values);
  let failure: string | undefined;
  for (const file of positionals) {
    const { bytes, elf } = await readModule(file);
    const r = load_module(k, bytes, elf);
    if (!r.ok) {
      failure = r.error?.message || `${elf.fileName}: ${r.error?.errnoName}`;
      break;
    }
  }
  const trace = k.trace.trace;
  if (values.format === 'json')
    console.log(traceToJson(trace, values.step === undefined ? undefined : Number(values.step)));
  else console.log((values.step === undefined ? traceAscii(trace) : stepAscii(trace, Number(values.step))).join('\n'));
  if (failure) throw new CliError(failure);
  return 0;
}
