// klp-lab load FILE.ko [--base ADDR] [--init-base ADDR] [--percpu-base ADDR] [--kallsyms FILE …]
// [--image OUT.bin] [--json]: load the module into the emulated kernel and write its core region
// as it ends up in memory — on a kernel with one allocation per MOD_* type (6.4+), each of them
// (OUT.bin.MOD_TEXT, …), with `--base MOD_TEXT=ADDR,…` or one `--base ADDR` (placement.ts).
import { closeSync, openSync, writeSync } from 'node:fs';
import { hex } from '../format/hex.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { layoutReport } from '../kernel/module/layout_report.ts';
import { load_module } from '../kernel/module/main.ts';
import { MOD_MEM_TYPES, type ModMemType } from '../kernel/module/types.ts';
import { profiles } from '../kernel/profile.ts';
import type { ParsedArgs } from './args.ts';
import { CliError, readModule } from './io.ts';
import { kernelId, makeKernel } from './kernel_options.ts';
import { say, sayJson, warn } from './output.ts';
import { placement } from './placement.ts';

/**
 * Every allocation a module got (6.4+), in MOD_* order: its base and size, the init ones marked
 * freed (do_init_module() gave them back; their bases are where they were during the load).
 */
function moduleAllocations(k: Kernel, name: string) {
  const out: Array<{ type: string; base: string; size: number; freed?: true }> = [];
  for (const s of k.trace.trace.steps)
    for (const e of s.events)
      if (e.kind === 'alloc' && e.region.module === name && e.region.name.startsWith('MOD_'))
        out.push({ type: e.region.name, base: `0x${hex(e.region.base, 16)}`, size: e.region.size });
  const live = new Set(k.findModule(name) ? MOD_MEM_TYPES.filter((t) => k.findModule(name)!.mem?.[t].base) : []);
  return out.map((a) => (live.has(a.type as ModMemType) ? a : { ...a, freed: true as const }));
}

/** Emulated memory to a file a mebibyte at a time: an image is never copied whole. */
function writeImage(k: Kernel, path: string, base: bigint, size: number): void {
  const fd = openSync(path, 'w');
  // one buffer for every chunk: fresh memory is what a big image would cost most
  const buffer = new Uint8Array(Math.min(1 << 20, size));
  try {
    for (let at = 0; at < size; at += buffer.length) {
      const chunk = buffer.subarray(0, Math.min(buffer.length, size - at));
      k.mem.readInto(base + BigInt(at), chunk);
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
    }
  } finally {
    closeSync(fd);
  }
}

export async function loadCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0]!;
  const place = placement(args, 1, profiles[kernelId(args)]);
  const image = args.string('image');
  const json = args.flag('json');
  // writes are made and counted, not recorded one by one
  const k = makeKernel(args, {
    recordWrites: false,
    ...(place.percpuBase === undefined ? {} : { percpuBase: place.percpuBase }),
  });
  const { bytes, elf } = await readModule(file);
  const result = load_module(k, bytes, elf, place.loads[0] ?? {});

  // every write after relocation, by the kernel function that made it
  const rewrites = Object.fromEntries(
    [...k.mem.writesBy].filter(([fn]) => !['apply_relocate_add', 'add_kallsyms', 'klp_resolve_symbols'].includes(fn)),
  );
  const mod = result.module;
  const allocations = mod?.mem ? moduleAllocations(k, mod.name) : undefined;
  const textBase = mod?.mem ? allocations?.find((a) => a.type === 'MOD_TEXT')?.base : undefined;
  const summary = {
    name: mod?.name ?? elf.fileName,
    kernel: k.profile.version,
    loaded: result.ok,
    // /proc/modules: the core base (6.4+: MOD_TEXT's) and coresize as sysfs reads it
    base: mod?.mem ? (textBase ?? null) : mod?.core_layout.base ? `0x${hex(mod.core_layout.base, 16)}` : null,
    coresize: mod?.mem && result.ok ? layoutReport(k, mod).coresize : (mod?.core_layout.size ?? 0),
    ...(allocations ? { allocations } : {}),
    relocations: k.relocationCounts,
    rewrites,
    invented_symbols: k.inventedSymbols.size,
    kernel_log: k.trace.trace.steps.flatMap((s) => s.events.flatMap((e) => (e.kind === 'printk' ? [e.text] : []))),
    ...(result.error ? { error: { errno: result.error.errnoName, message: result.error.message } } : {}),
  };

  if (result.ok && mod && image) {
    if (mod.mem) {
      // 6.4+: no single core region; one file per allocation
      for (const [type, m] of Object.entries(mod.mem)) if (m.base) writeImage(k, `${image}.${type}`, m.base, m.size);
    } else writeImage(k, image, mod.core_layout.base, mod.core_layout.size);
  }
  if (json) sayJson(JSON.stringify(summary, null, 2));
  else if (result.ok) {
    if (allocations)
      say(
        `${summary.name} loaded: ${allocations.map((a) => `${a.type} ${a.base} (${a.size}${a.freed ? ', freed after init' : ''})`).join(', ')}; coresize ${summary.coresize}`,
      );
    else say(`${summary.name} loaded at 0x${hex(mod!.core_layout.base, 16)}, coresize ${summary.coresize}`);
    say(
      `relocations: ${
        Object.entries(k.relocationCounts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'none'
      }`,
    );
    if (k.inventedSymbols.size) say(`invented ${k.inventedSymbols.size} symbol address(es) no kallsyms file provides`);
    if (image) say(mod!.mem ? `allocations written to ${image}.MOD_*` : `core image written to ${image}`);
  }
  if (!result.ok) {
    // the kernel log of the refusal, ending with the message that decided it
    const message = result.error?.message || `${summary.name}: ${result.error?.errnoName}`;
    const log = summary.kernel_log.filter((l) => l !== message);
    if (!json) for (const l of log) warn(l);
    throw new CliError(message);
  }
  return 0;
}
