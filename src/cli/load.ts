// klp-lab load FILE.ko --kernel 6.1 --base ADDR --kallsyms FILE … --image OUT.bin [--json]:
// load the module into the emulated kernel and write its core region as it ends up in memory.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hex } from '../format/hex.ts';
import { load_module } from '../kernel/module/main.ts';
import { CliError, parseAddress, readModule } from './io.ts';
import { kernelOptions, makeKernel } from './kernel_options.ts';

export async function loadCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...kernelOptions,
      base: { type: 'string' },
      image: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new CliError('load: which module? klp-lab load FILE.ko');
  const k = makeKernel(values, false); // writes are made and counted, not recorded one by one
  const { bytes, elf } = await readModule(file);
  const coreBase = parseAddress(values.base, '--base');
  const result = load_module(k, bytes, elf, coreBase === undefined ? {} : { coreBase });

  // every write after relocation, by the kernel function that made it
  const rewrites = Object.fromEntries(
    [...k.mem.writesBy].filter(([fn]) => !['apply_relocate_add', 'add_kallsyms', 'klp_resolve_symbols'].includes(fn)),
  );
  const mod = result.module;
  const summary = {
    name: mod?.name ?? elf.fileName,
    kernel: k.profile.version,
    loaded: result.ok,
    base: mod?.core_layout.base ? `0x${hex(mod.core_layout.base, 16)}` : null,
    coresize: mod?.core_layout.size ?? 0,
    relocations: k.relocationCounts,
    rewrites,
    invented_symbols: k.inventedSymbols.size,
    kernel_log: k.trace.trace.steps.flatMap((s) => s.events.flatMap((e) => (e.kind === 'printk' ? [e.text] : []))),
    ...(result.error ? { error: { errno: result.error.errnoName, message: result.error.message } } : {}),
  };

  if (result.ok && mod && values.image) {
    if (mod.mem) {
      // 6.4+: no single core region; one file per allocation
      for (const [type, m] of Object.entries(mod.mem))
        if (m.base) writeFileSync(`${values.image}.${type}`, k.mem.read(m.base, m.size));
    } else writeFileSync(values.image, k.mem.read(mod.core_layout.base, mod.core_layout.size));
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else if (result.ok) {
    console.log(`${summary.name} loaded at 0x${hex(mod!.core_layout.base, 16)}, coresize ${summary.coresize}`);
    console.log(
      `relocations: ${
        Object.entries(k.relocationCounts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'none'
      }`,
    );
    if (k.inventedSymbols.size)
      console.log(`invented ${k.inventedSymbols.size} symbol address(es) no kallsyms file provides`);
    if (values.image)
      console.log(mod!.mem ? `allocations written to ${values.image}.MOD_*` : `core image written to ${values.image}`);
  }
  if (!result.ok) {
    // the kernel log of the refusal, ending with the message that decided it
    const message = result.error?.message || `${summary.name}: ${result.error?.errnoName}`;
    const log = summary.kernel_log.filter((l) => l !== message);
    if (!values.json) for (const l of log) console.error(l);
    throw new CliError(message);
  }
  return 0;
}
