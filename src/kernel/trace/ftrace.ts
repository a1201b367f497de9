// kernel/trace/ftrace.c (6.1; 5.4 where KernelProfile.ftraceCodeModify says so), the parts a
// module load and a livepatch reach; the x86 half is arch/x86/ftrace.ts.
//  - The module side of dynamic ftrace: ftrace_module_init() sorts __mcount_loc and turns every
//    `call __fentry__` into a NOP before the module is formed; ftrace_module_enable() (COMING)
//    re-enables the records and, if a tracer is running, patches the calls back in;
//    ftrace_release_mod() (GOING) drops the records. prepare_coming_module() and the GOING path
//    call them directly (kernel/module/main.c), not through the module notifier chain.
//  - An ftrace_ops that owns one function's entry, as livepatch registers it:
//    ftrace_set_filter_ip() + register_ftrace_function() give the ops its own trampoline and
//    turn the function's fentry NOP into a call to it with text_poke_bp(); unregistering puts
//    the NOP back and frees the trampoline. ftrace_start_up counts the registered ops.
//  - 5.4: register_ftrace_function() → ftrace_startup() → __register_ftrace_function() (the
//    trampoline) → ftrace_startup_enable() → ftrace_run_update_code(): prepare (every module's
//    text RWX), ftrace_replace_code()'s int3 dance through probe_kernel_write(), post_process.

import { bytesHex, hex } from '../../format/hex.ts';
import {
  arch_ftrace_trampoline_free,
  create_trampoline,
  ftrace_arch_code_modify_post_process,
  ftrace_arch_code_modify_prepare,
  ftrace_call_replace,
  ftrace_make_call,
  ftrace_make_nop,
  ftrace_nop_replace,
  ftrace_replace_code,
} from '../arch/x86/ftrace.ts';
import { type TextPokeLoc, text_poke_queue_finish } from '../arch/x86/text_poke.ts';
import { countMoved } from '../arch/x86/unwind_orc.ts';
import type { Kernel } from '../kernel_types.ts';
import { sort, sortOf, sortU64, swapBytes } from '../lib/sort.ts';
import { u64At } from '../lib/unaligned.ts';
import { PAGE_MASK, PAGE_SIZE } from '../mm/page.ts';
import { MODULES_VADDR } from '../mm/vmalloc.ts';
import { find_kallsyms_symbol, symbolic } from '../module/kallsyms.ts';
import { vmlinuxSymbol } from '../module/symbols.ts';
import { mod_find } from '../module/tree_lookup.ts';
import { type Module, within_module_init } from '../module/types.ts';

const FILE = 'kernel/trace/ftrace.c';

interface FtraceState {
  /** ftrace_disabled: set for good by ftrace_bug(). */
  disabled: boolean;
  /** The dyn_ftrace records of each module (their ips), in ftrace_pages order. */
  records: Map<Module, bigint[]>;
  /** ftrace_start_up: registered ops (a tracer the machine booted with counts as one). */
  start_up: number;
  /** The call sites a registered ops' filter covers (ftrace_set_filter_ip()), with their trampolines. */
  filters: Map<bigint, bigint>;
}
const states = new WeakMap<Kernel, FtraceState>();

function ftraceState(k: Kernel): FtraceState {
  let s = states.get(k);
  if (!s)
    states.set(
      k,
      (s = { disabled: false, records: new Map(), start_up: k.machine.ftraceActive ? 1 : 0, filters: new Map() }),
    );
  return s;
}

const modifiesWithTextRw = (k: Kernel) => k.profile.ftraceCodeModify === 'set_all_modules_text_rw';

/** ftrace_module_init() (6.1): before the module is formed, as load_module() calls it. */
export function ftrace_module_init(k: Kernel, mod: Module): void {
  k.trace.call('ftrace_module_init', () => ftrace_process_locs(k, mod));
}

/** ftrace_process_locs() over the module's __mcount_loc. */
function ftrace_process_locs(k: Kernel, mod: Module): void {
  const st = ftraceState(k);
  const locs = { addr: mod.ftrace_callsites, num: mod.num_ftrace_callsites };
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
  const sorter = sortOf(k.profile);
  if (sorter === sort)
    sortU64(buf, locs.num); // 6.1's loop, inlined over u64 halves
  else {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const at = (off: number) => dv.getBigUint64(off, true);
    sorter(locs.num, 8, (a, b) => (at(a) > at(b) ? 1 : at(a) < at(b) ? -1 : 0), swapBytes(buf));
  }
  const moved = countMoved(before, buf, 8);
  if (moved) k.mem.write(locs.addr, buf, 'memcpy', { what: `__mcount_loc sorted (${moved} entries moved)` });
  sortStep.title = `ftrace_process_locs: __mcount_loc sorted, ${locs.num} call sites (${moved} moved)`;

  // ftrace_update_code(): records are created FTRACE_FL_DISABLED and made NOPs
  const step = k.trace.step('ftrace_update_code', { module: mod.name, file: FILE, fn: 'ftrace_update_code' });
  const mcount = vmlinuxSymbol(k, '__fentry__');
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
      if ('actual' in r) k.trace.printk('info', ` actual:   ${bytesHex(r.actual)}\n expected: ${bytesHex(r.expected)}`);
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
 * ftrace_module_enable() (6.1; 5.4), first thing in prepare_coming_module(): clear the records'
 * DISABLED flag. With an ops registered (ftrace_start_up > 0) it runs
 * ftrace_arch_code_modify_prepare() — 6.1: text_mutex; 5.4: every module's text, this one's
 * included, writable and executable — and patches the records some filter references
 * (referenced_filters()) to call their trampoline; then post_process.
 */
export function ftrace_module_enable(k: Kernel, mod: Module): void {
  k.trace.call('ftrace_module_enable', () => {
    const st = ftraceState(k);
    const recs = st.records.get(mod) ?? [];
    const step = k.trace.step('ftrace_module_enable', { module: mod.name, file: FILE, fn: 'ftrace_module_enable' });
    if (st.disabled) {
      step.title = 'ftrace_module_enable: ftrace is disabled';
      return;
    }
    if (!st.start_up) {
      step.title = `ftrace_module_enable: ${recs.length} records enabled, no tracer running so every call site stays a NOP`;
      return;
    }
    const covered: TextPokeLoc[] = recs.flatMap((ip) => {
      const tramp = st.filters.get(ip);
      return tramp === undefined
        ? []
        : [{ addr: ip, bytes: ftrace_call_replace(ip, tramp), what: `ftrace: call trampoline (${symbolic(k, ip)})` }];
    });
    const prepare = modifiesWithTextRw(k)
      ? 'ftrace_arch_code_modify_prepare() makes every module’s text, this one’s included, writable and still executable'
      : 'ftrace_arch_code_modify_prepare() takes text_mutex';
    const sites = covered.length
      ? `${covered.length} of ${mod.name}'s call sites are covered by a registered filter and become calls to their trampolines`
      : `no filter covers ${mod.name}'s functions yet, so its call sites stay NOPs`;
    const boot = k.machine.ftraceActive
      ? ' (which records a tracer running since boot would want is not emulated)'
      : '';
    step.title = `ftrace_module_enable: ${recs.length} records enabled; ftrace_start_up > 0 (an ftrace_ops is registered), so ${prepare}; ${sites}${boot}`;
    if (modifiesWithTextRw(k)) {
      ftrace_arch_code_modify_prepare(k, `ftrace_module_enable(${mod.name})`, mod.name);
      for (const loc of covered) ftrace_make_call(k, loc);
      ftrace_arch_code_modify_post_process(k, `ftrace_module_enable(${mod.name})`, mod.name);
    } else if (covered.length) {
      k.trace.call('text_poke_bp_batch', () => text_poke_queue_finish(k, covered, `ftrace_module_enable ${mod.name}`));
    }
  });
}

/** ftrace_release_mod() (6.1): the module's ftrace pages leave the list; its text is not touched. */
export function ftrace_release_mod(k: Kernel, mod: Module): void {
  k.trace.call('ftrace_release_mod', () => {
    const st = ftraceState(k);
    const recs = st.records.get(mod) ?? [];
    st.records.delete(mod);
    k.trace.step(`ftrace_release_mod: ${recs.length} records dropped, no memory of the module written`, {
      module: mod.name,
      file: FILE,
      fn: 'ftrace_release_mod',
    });
  });
}

const MCOUNT_INSN_SIZE = 5n;
const ENDBR64 = Uint8Array.of(0xf3, 0x0f, 0x1e, 0xfa);

/**
 * lookup_rec() over one table of records: the first whose call `[ip, ip + MCOUNT_INSN_SIZE)`
 * overlaps [start, end] (ftrace_cmp_recs()).
 */
function lookup_rec(recs: Iterable<bigint>, start: bigint, end: bigint): bigint | undefined {
  let found: bigint | undefined;
  for (const ip of recs)
    if (ip <= end && start < ip + MCOUNT_INSN_SIZE && (found === undefined || ip < found)) found = ip;
  return found;
}

/** A module's records: its __mcount_loc entries (0 is the linker's padding between objects). */
function* moduleRecords(k: Kernel, mod: Module): Generator<bigint> {
  if (!mod.num_ftrace_callsites) return;
  const table = k.mem.read(mod.ftrace_callsites, mod.num_ftrace_callsites * 8);
  for (let p = 0; p + 8 <= table.length; p += 8) {
    const ip = u64At(table, p);
    if (ip) yield ip;
  }
}

/**
 * vmlinux's records. The table's own (available_filter_functions_addrs lines) are the kernel's;
 * a plain kallsyms dump has none, and then each function symbol is taken to have one where the
 * compiler usually puts its `call __fentry__`: at the function, or after its ENDBR64 in a kernel
 * built with X86_KERNEL_IBT (KernelProfile.ibt; 6.12's cmdline_proc_show reads
 * `f3 0f 1e fa 0f 1f 44 00 00` in the real run) — wrong for a function built without ENDBR.
 */
function vmlinuxRecordIn(k: Kernel, start: bigint, end: bigint, of?: string): bigint | undefined {
  const known = k.vmlinux.ftraceRecordIn(start, end, MCOUNT_INSN_SIZE);
  // a partial table's next symbol is not the function's end: the record must be the function's own
  if (known !== null) return known && (of === undefined || known.name === of) ? known.addr : undefined;
  if (!k.vmlinux.at(start).length) return undefined;
  const rec = start + (k.profile.ibt ? 4n : 0n);
  return rec <= end ? rec : undefined;
}

/** ftrace_location_range(): a record whose call overlaps [start, end], or undefined (0). */
function ftrace_location_range(k: Kernel, start: bigint, end: bigint): bigint | undefined {
  const owner = mod_find(k, start);
  if (owner) return lookup_rec(moduleRecords(k, owner), start, end);
  return vmlinuxRecordIn(k, start, end);
}

/**
 * ftrace_location() (6.1 and 6.12 alike): the address of the fentry call site ftrace knows for
 * ip — a record whose call covers ip, else, when ip is a symbol's start, the record inside
 * [ip, ip + size) of that symbol (the kernel's "map sym+0 to __fentry__"): function+4 after an
 * ENDBR64. The size is kallsyms' (the next symbol's address; a 6.12 module's `__pfx_` padding
 * symbols end a function before the next one's padding).
 */
export function ftrace_location(k: Kernel, ip: bigint): bigint | undefined {
  const loc = ftrace_location_range(k, ip, ip);
  if (loc !== undefined) return loc;
  const owner = mod_find(k, ip);
  if (owner) {
    const sym = find_kallsyms_symbol(owner, ip);
    return sym && sym.offset === 0n ? ftrace_location_range(k, ip, ip + sym.size - 1n) : undefined;
  }
  const syms = k.vmlinux.at(ip);
  if (!syms.length) return undefined; // kallsyms_lookup_size_offset() fails
  const next = k.vmlinux.entries.reduce<bigint | undefined>(
    (n, e) => (e.addr > ip && (n === undefined || e.addr < n) ? e.addr : n),
    undefined,
  );
  const end = next === undefined ? ip + 0xfffn : next - 1n;
  for (const s of syms) {
    const rec = vmlinuxRecordIn(k, ip, end, s.name);
    if (rec !== undefined) return rec;
  }
  return undefined;
}

/** vmlinux text is not emulated byte for byte: map the page around a patched function, RX, with its fentry NOP. */
function ensureVmlinuxSite(k: Kernel, site: bigint): void {
  if (k.mem.isMapped(site)) return;
  const page = site & PAGE_MASK;
  k.mem.map(page, 1, { write: true, exec: false });
  // X86_KERNEL_IBT: a function whose call site follows its first 4 bytes starts with ENDBR64
  if (k.profile.ibt && site - 4n >= page && k.vmlinux.at(site - 4n).length) k.mem.copyIn(site - 4n, ENDBR64);
  k.mem.copyIn(site, ftrace_nop_replace());
  k.mem.setPerm(page, { write: false, exec: true });
  k.trace.emit({
    kind: 'alloc',
    region: { module: 'vmlinux', name: `text @${hex(page, 16)}`, base: page, size: PAGE_SIZE },
    perm: { write: false, exec: true },
    caller: 'vmlinux text, mapped at boot (only its ftrace sites are modelled)',
    boot: true,
  });
}

/**
 * 5.4 ftrace_run_update_code(): every change of code between ftrace_arch_code_modify_prepare()
 * and ftrace_arch_code_modify_post_process(), through arch_ftrace_update_code() →
 * ftrace_modify_all_code() → ftrace_replace_code(). (ftrace_modify_all_code() also re-points
 * vmlinux's ftrace_call when the trace function changes: vmlinux's own bytes, not emulated.)
 */
function ftrace_run_update_code(k: Kernel, locs: TextPokeLoc[], why: string, title: string): void {
  k.trace.call('ftrace_run_update_code', () => {
    ftrace_arch_code_modify_prepare(k, why);
    k.trace.call('arch_ftrace_update_code', () =>
      k.trace.call('ftrace_modify_all_code', () => {
        k.trace.step(title, { file: 'arch/x86/kernel/ftrace.c', fn: 'ftrace_replace_code' });
        for (const l of locs) if (l.addr < MODULES_VADDR) ensureVmlinuxSite(k, l.addr);
        if (ftrace_replace_code(k, locs, why)) {
          k.trace.printk('warn', `Failed on adding breakpoints (0):`);
          ftraceState(k).disabled = true;
        }
      }),
    );
    ftrace_arch_code_modify_post_process(k, why);
  });
}

/** register_ftrace_function() for one site; returns the trampoline's address. */
export function register_ftrace_function(k: Kernel, site: bigint, label: string): bigint | undefined {
  return k.trace.call('register_ftrace_function', () => {
    const st = ftraceState(k);
    if (modifiesWithTextRw(k))
      return k.trace.call('ftrace_startup', () => {
        const tramp = k.trace.call('__register_ftrace_function', () => create_trampoline(k, label));
        if (tramp === undefined) return undefined;
        st.start_up++;
        st.filters.set(site, tramp);
        k.trace.call('ftrace_startup_enable', () =>
          ftrace_run_update_code(
            k,
            [{ addr: site, bytes: ftrace_call_replace(site, tramp), what: `ftrace: call trampoline (${label})` }],
            `ftrace ${label}`,
            `ftrace: ${label}'s fentry NOP becomes a call to the trampoline: int3, the other four bytes, the first byte, each through probe_kernel_write() (run_sync() after each pass${k.machine.presentCpus > 1 ? '' : ': skipped, one CPU online'})`,
          ),
        );
        return tramp;
      });
    const tramp = create_trampoline(k, label); // arch_ftrace_update_trampoline()
    if (tramp === undefined) return undefined;
    st.start_up++;
    st.filters.set(site, tramp);
    k.trace.step(`ftrace: ${label}'s fentry NOP becomes a call to the trampoline`, {
      file: FILE,
      fn: 'ftrace_replace_code',
    });
    if (site < MODULES_VADDR) ensureVmlinuxSite(k, site);
    k.trace.call('text_poke_bp_batch', () =>
      text_poke_queue_finish(
        k,
        [{ addr: site, bytes: ftrace_call_replace(site, tramp), what: `ftrace: call trampoline (${label})` }],
        `ftrace ${label}`,
      ),
    );
    return tramp;
  });
}

/** unregister_ftrace_function(): the fentry call becomes the NOP again; the trampoline is freed. */
export function unregister_ftrace_function(k: Kernel, site: bigint, trampoline: bigint, label: string): void {
  k.trace.call('unregister_ftrace_function', () => {
    const st = ftraceState(k);
    st.start_up--;
    st.filters.delete(site);
    if (modifiesWithTextRw(k)) {
      k.trace.call('ftrace_shutdown', () => {
        if (k.mem.isMapped(site))
          ftrace_run_update_code(
            k,
            [{ addr: site, bytes: ftrace_nop_replace(), what: `ftrace: nop (${label})` }],
            `ftrace ${label}`,
            `ftrace: ${label}'s fentry call becomes a NOP again, with the int3 dance through probe_kernel_write()`,
          );
        arch_ftrace_trampoline_free(k, trampoline, label);
      });
      return;
    }
    k.trace.step(`ftrace: ${label}'s fentry call becomes a NOP again`, { file: FILE, fn: 'ftrace_replace_code' });
    if (k.mem.isMapped(site))
      k.trace.call('text_poke_bp_batch', () =>
        text_poke_queue_finish(
          k,
          [{ addr: site, bytes: ftrace_nop_replace(), what: `ftrace: nop (${label})` }],
          `ftrace ${label}`,
        ),
      );
    arch_ftrace_trampoline_free(k, trampoline, label);
  });
}
