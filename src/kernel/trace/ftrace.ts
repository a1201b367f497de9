// The module side of dynamic ftrace, kernel/trace/ftrace.c (6.1): ftrace_module_init() sorts
// __mcount_loc and turns every `call __fentry__` into a NOP before the module is formed;
// ftrace_module_enable() (COMING) re-enables the records and, if a tracer is running, patches
// the calls back in; ftrace_release_mod() (GOING) drops the records.
import { ftrace_make_nop } from '../arch/x86/ftrace.ts';
import { countMoved } from '../arch/x86/unwind_orc.ts';
import type { Kernel } from '../kernel.ts';
import { sortU64 } from '../lib/sort.ts';
import type { LoadInfo, Module } from '../module/types.ts';
import { section_objs, symbolic, u64At, vmlinux_addr, within_module_init } from '../module/within.ts';

const FILE = 'kernel/trace/ftrace.c';

interface FtraceState {
  /** ftrace_disabled: set for good by ftrace_bug(). */
  disabled: boolean;
  /** The dyn_ftrace records of each module (their ips), in ftrace_pages order. */
  records: Map<Module, bigint[]>;
}
const states = new WeakMap<Kernel, FtraceState>();

export function ftraceState(k: Kernel): FtraceState {
  let s = states.get(k);
  if (!s) states.set(k, (s = { disabled: false, records: new Map() }));
  return s;
}

const hexBytes = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** ftrace_module_init() → ftrace_process_locs() (6.1). */
export function ftrace_module_init(k: Kernel, mod: Module, info: LoadInfo): void {
  const st = ftraceState(k);
  const locs = section_objs(info, '__mcount_loc', 8);
  if (st.disabled || !locs.num) {
    k.trace.step(
      st.disabled
        ? 'ftrace_module_init: ftrace is disabled, call sites stay'
        : 'ftrace_module_init: no __mcount_loc, nothing to trace',
      {
        module: mod.name,
        file: FILE,
      },
    );
    return;
  }
  // modules' __mcount_loc cannot be sorted at build time: sort(start, count, 8, ftrace_cmp_ips, NULL)
  const sortStep = k.trace.step('ftrace_process_locs: sort __mcount_loc', {
    module: mod.name,
    file: FILE,
    fn: 'ftrace_process_locs',
  });
  const buf = k.mem.read(locs.addr, locs.num * 8);
  const before = buf.slice();
  const ip = (off: number) => u64At(buf, off);
  sortU64(buf, locs.num);
  const moved = countMoved(before, buf, 8);
  if (moved) k.mem.write(locs.addr, buf, 'memcpy', { what: `__mcount_loc sorted (${moved} entries moved)` });
  sortStep.title = `ftrace_process_locs: __mcount_loc sorted, ${locs.num} call sites (${moved} moved)`;

  // ftrace_update_code(): records are created FTRACE_FL_DISABLED and made NOPs
  const step = k.trace.step('ftrace_update_code', { module: mod.name, file: FILE, fn: 'ftrace_update_code' });
  const mcount = vmlinux_addr(k, '__fentry__') ?? k.inventedSymbols.get('__fentry__');
  const recs: bigint[] = [];
  let nops = 0;
  let init = 0;
  for (let off = 0; off < locs.num * 8; off += 8) {
    const addr = ip(off);
    if (!addr) continue; // linker padding between objects' __mcount_loc
    recs.push(addr);
  }
  for (const addr of recs) {
    if (mcount === undefined) break;
    const inInit = within_module_init(addr, mod);
    const r = ftrace_make_nop(k, addr, mcount, inInit);
    if (r.err) {
      // ftrace_nop_initialize() → ftrace_bug(): ftrace is killed for good
      k.trace.printk('info', '------------[ ftrace bug ]------------');
      k.trace.printk('info', `ftrace failed to modify [<${addr.toString(16)}>] ${symbolic(k, addr)}`);
      if ('actual' in r) k.trace.printk('info', ` actual:   ${hexBytes(r.actual)}\n expected: ${hexBytes(r.expected)}`);
      st.disabled = true;
      break;
    }
    nops++;
    if (inInit) init++;
  }
  st.records.set(mod, recs);
  step.title =
    mcount === undefined
      ? `ftrace_update_code: ${recs.length} records, __fentry__ unknown so call sites stay`
      : `ftrace_make_nop: ${nops} call __fentry__ become 5-byte NOPs (${nops - init} in core text, ${init} in init text)${st.disabled ? ' — ftrace bug, ftrace disabled' : ''}`;
}

/**
 * ftrace_module_enable() (6.1), first thing in prepare_coming_module(): clear the records'
 * DISABLED flag; only with a tracer registered (ftrace_start_up) would a record some filter
 * wants be patched to call the trampoline, through text_poke_queue.
 */
export function ftrace_module_enable(k: Kernel, mod: Module): void {
  const st = ftraceState(k);
  const recs = st.records.get(mod) ?? [];
  const step = k.trace.step('ftrace_module_enable', { module: mod.name, file: FILE, fn: 'ftrace_module_enable' });
  if (st.disabled) {
    step.title = 'ftrace_module_enable: ftrace is disabled';
    return;
  }
  step.title = k.machine.ftraceActive
    ? `ftrace_module_enable: ${recs.length} records enabled; which a running tracer would patch is not emulated (no ftrace_ops model)`
    : `ftrace_module_enable: ${recs.length} records enabled, no tracer running so every call site stays a NOP`;
}

/** ftrace_release_mod() (6.1): the module's ftrace pages leave the list; its text is not touched. */
export function ftrace_release_mod(k: Kernel, mod: Module): void {
  const st = ftraceState(k);
  const recs = st.records.get(mod) ?? [];
  st.records.delete(mod);
  k.trace.step(`ftrace_release_mod: ${recs.length} records dropped, no memory of the module written`, {
    module: mod.name,
    file: FILE,
    fn: 'ftrace_release_mod',
  });
}
