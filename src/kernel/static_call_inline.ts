// The module notifier of kernel/static_call_inline.c (6.1) with x86's
// arch_static_call_transform() (arch/x86/kernel/static_call.c): a module's
// .static_call_sites (s32 addr, s32 key with the tail/init bits) name call sites built as
// `call __SCT__<name>` (the trampoline); when the module comes, each site is rewritten to call
// the key's current function directly — or to a NOP when the key's function is NULL.
import { cpu_wants_rethunk_at, text_gen_insn, x86_nops, x86_return_thunk } from './arch/x86/alternative.ts';
import { text_poke_bp } from './arch/x86/text_poke.ts';
import { countMoved } from './arch/x86/unwind_orc.ts';
import { kernel_text_address } from './extable.ts';
import type { Kernel } from './kernel_types.ts';
import { sortOf } from './lib/sort.ts';
import { s32At, setS32, u64At } from './lib/unaligned.ts';
import { symbolic } from './module/kallsyms.ts';
import { type Module, within_module, within_module_init } from './module/types.ts';

const FILE = 'kernel/static_call_inline.c';
export const SIZEOF_STATIC_CALL_SITE = 8; // struct static_call_site { s32 addr; s32 key; }
const STATIC_CALL_SITE_TAIL = 1n;
const STATIC_CALL_SITE_INIT = 2n;
const STATIC_CALL_SITE_FLAGS = 3n;

const siteAddr = (base: bigint, buf: Uint8Array, off: number) => base + BigInt(off) + BigInt(s32At(buf, off));
const rawKey = (base: bigint, buf: Uint8Array, off: number) =>
  BigInt.asUintN(64, base + BigInt(off + 4) + BigInt(s32At(buf, off + 4)));
const setKey = (base: bigint, buf: Uint8Array, off: number, key: bigint) =>
  setS32(buf, off + 4, Number(BigInt.asIntN(32, key - (base + BigInt(off + 4)))));

/**
 * What a vmlinux static call key points at. The key's `func` is vmlinux data no kallsyms dump
 * has, so it is derived from what set it: PREEMPT_DYNAMIC's table in kernel/sched/core.c for
 * the preemption calls (the machine's preempt model), and for a tracepoint's tp_func_<tp> its
 * DEFINE_STATIC_CALL default __traceiter_<tp> (no probe attached: nothing traces). Returns
 * null for a NULL function, undefined when the rule does not know the key.
 */
function vmlinux_static_call_target(k: Kernel, name: string): bigint | null | undefined {
  const RET0 = '__static_call_return0';
  const table: Record<string, Record<string, string | null>> = {
    none: {
      cond_resched: '__cond_resched',
      might_resched: RET0,
      preempt_schedule: null,
      preempt_schedule_notrace: null,
      irqentry_exit_cond_resched: null,
    },
    voluntary: {
      cond_resched: '__cond_resched',
      might_resched: '__cond_resched',
      preempt_schedule: null,
      preempt_schedule_notrace: null,
      irqentry_exit_cond_resched: null,
    },
    full: {
      cond_resched: RET0,
      might_resched: RET0,
      preempt_schedule: 'preempt_schedule',
      preempt_schedule_notrace: 'preempt_schedule_notrace',
      irqentry_exit_cond_resched: 'irqentry_exit_cond_resched',
    },
  };
  const preempt = table[k.machine.preempt]!;
  let func: string | null | undefined;
  if (name in preempt) func = preempt[name];
  else if (name.startsWith('tp_func_')) func = `__traceiter_${name.slice('tp_func_'.length)}`;
  if (func === null) return null;
  if (func === undefined) return undefined;
  return k.vmlinux.addressOf(func);
}

export function static_call_add_module(k: Kernel, mod: Module): number {
  const tab = { addr: mod.static_call_sites, num: mod.num_static_call_sites };
  if (!tab.num) return 0;
  const base = tab.addr;
  const buf = k.mem.read(base, tab.num * SIZEOF_STATIC_CALL_SITE);
  const step = k.trace.step('static_call_add_module', { module: mod.name, file: FILE, fn: 'static_call_add_module' });

  // a site whose key is not exported points at the trampoline: look the key up in vmlinux's
  // static_call_tramp_key table, which pairs __SCT__<name> with __SCK__<name>
  const before = buf.slice();
  let fixed = 0;
  for (let off = 0; off < tab.num * SIZEOF_STATIC_CALL_SITE; off += SIZEOF_STATIC_CALL_SITE) {
    const s_key = rawKey(base, buf, off);
    const addr = s_key & ~STATIC_CALL_SITE_FLAGS;
    if (!kernel_text_address(k, addr)) continue;
    const tramp = k.vmlinux.at(addr).find((e) => e.name.startsWith('__SCT__'));
    const key = tramp && k.vmlinux.addressOf(`__SCK__${tramp.name.slice(7)}`);
    if (key === undefined) {
      const msg = `Failed to fixup __raw_static_call() usage at: ${symbolic(k, siteAddr(base, buf, off))}`;
      k.trace.printk('warn', msg);
      step.title = `static_call_add_module: ${msg}`;
      return -22;
    }
    setKey(base, buf, off, key | (s_key & STATIC_CALL_SITE_FLAGS));
    fixed++;
  }
  if (fixed)
    k.mem.write(base, buf.slice(), 'memcpy', {
      what: `static_call_add_module: ${fixed} sites' key re-aimed from the trampoline at the key`,
    });

  // __static_call_init(): static_call_sort_entries() by key only, so the order of one key's
  // sites is whatever the heapsort leaves
  const keyOf = (off: number) => rawKey(base, buf, off) & ~STATIC_CALL_SITE_FLAGS;
  const sorted0 = buf.slice();
  sortOf(k.profile)(
    tab.num,
    SIZEOF_STATIC_CALL_SITE,
    (a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    },
    (a, b) => {
      const delta = a - b;
      const [ta, tk] = [s32At(buf, a), s32At(buf, a + 4)];
      setS32(buf, a, (s32At(buf, b) - delta) | 0);
      setS32(buf, a + 4, (s32At(buf, b + 4) - delta) | 0);
      setS32(buf, b, (ta + delta) | 0);
      setS32(buf, b + 4, (tk + delta) | 0);
    },
  );
  const moved = countMoved(sorted0, buf, SIZEOF_STATIC_CALL_SITE);
  if (moved)
    k.mem.write(base, buf.slice(), 'memcpy', { what: `.static_call_sites sorted by key (${moved} entries moved)` });

  const afterSort = buf.slice();
  let init = 0;
  for (let off = 0; off < tab.num * SIZEOF_STATIC_CALL_SITE; off += SIZEOF_STATIC_CALL_SITE) {
    if (!within_module_init(siteAddr(base, buf, off), mod)) continue;
    setKey(base, buf, off, rawKey(base, buf, off) | STATIC_CALL_SITE_INIT); // static_call_set_init()
    init++;
  }
  if (init) k.mem.write(base, buf.slice(), 'memcpy', { what: `static_call_set_init: ${init} sites in init text` });
  void afterSort;
  void before;

  // each site now calls what its key holds (text_poke_bp: the module is COMING, its text RX)
  const stats = { calls: 0, nops: 0, unchanged: 0, unknown: new Set<string>(), keys: new Set<bigint>() };
  for (let off = 0; off < tab.num * SIZEOF_STATIC_CALL_SITE; off += SIZEOF_STATIC_CALL_SITE) {
    const site = siteAddr(base, buf, off);
    const raw = rawKey(base, buf, off);
    const key = raw & ~STATIC_CALL_SITE_FLAGS;
    const tail = (raw & STATIC_CALL_SITE_TAIL) !== 0n;
    stats.keys.add(key);
    let func: bigint | null | undefined;
    if (within_module(key, mod)) {
      func = u64At(k.mem.read(key, 8), 0); // the module's own key: its func field, as relocated
      if (func === 0n) func = null;
    } else {
      const sck = k.vmlinux.at(key).find((e) => e.name.startsWith('__SCK__'));
      func = sck ? vmlinux_static_call_target(k, sck.name.slice(7)) : undefined;
      if (func === undefined) stats.unknown.add(sck?.name ?? symbolic(k, key));
    }
    if (func === undefined) continue;
    const r = arch_static_call_transform(k, site, func, tail);
    if (r === 'call') stats.calls++;
    else if (r === 'nop') stats.nops++;
    else stats.unchanged++;
  }
  const parts = [`${tab.num} sites sorted (${moved} moved)`];
  if (fixed) parts.push(`${fixed} trampoline keys fixed up`);
  if (init) parts.push(`${init} in init text`);
  parts.push(`${stats.calls} now call their target, ${stats.nops} NOPs`);
  if (stats.unchanged) parts.push(`${stats.unchanged} already right`);
  if (stats.unknown.size) parts.push(`left alone for unknown key targets: ${[...stats.unknown].join(', ')}`);
  step.title = `static_call_add_module: ${parts.join(', ')}`;
  return 0;
}

const xor5rax = Uint8Array.of(0x2e, 0x2e, 0x2e, 0x31, 0xc0);
const retinsn = Uint8Array.of(0xc3, 0xcc, 0xcc, 0xcc, 0xcc);

/** arch_static_call_transform(site, NULL, func, tail) → __static_call_validate + __static_call_transform. */
function arch_static_call_transform(
  k: Kernel,
  site: bigint,
  func: bigint | null,
  tail: boolean,
): 'call' | 'nop' | 'same' | 'bad' {
  const cur = k.mem.read(site, 6);
  const op = cur[0]!;
  const isJcc = op === 0x0f && (cur[1]! & 0xf0) === 0x80;
  const ok = tail
    ? op === 0xe9 || op === 0xc3 || isJcc
    : op === 0xe8 ||
      cur.subarray(0, 5).every((b, i) => b === x86_nops[5]![i]) ||
      cur.subarray(0, 5).every((b, i) => b === xor5rax[i]);
  if (!ok) {
    k.trace.printk('err', `unexpected static_call insn opcode 0x${op.toString(16)} at ${symbolic(k, site)}`);
    return 'bad';
  }
  let code: Uint8Array;
  let kind: 'call' | 'nop';
  const ret0 = k.vmlinux.addressOf('__static_call_return0');
  if (tail && isJcc) {
    // JCC: Jcc.d32 to func, or to __static_call_return for NULL
    const target = func ?? k.vmlinux.addressOf('__static_call_return') ?? 0n;
    const b = new Uint8Array(6);
    b[0] = 0x0f;
    b.set(text_gen_insn(cur[1]!, site + 1n, target), 1);
    code = b;
    kind = 'call';
  } else if (!tail) {
    if (func === null) {
      code = x86_nops[5]!;
      kind = 'nop';
    } else {
      code = func === ret0 ? xor5rax : text_gen_insn(0xe8, site, func);
      kind = 'call';
    }
  } else if (func === null) {
    code = cpu_wants_rethunk_at(k, site) ? text_gen_insn(0xe9, site, x86_return_thunk(k)!) : retinsn;
    kind = 'nop';
  } else {
    code = text_gen_insn(0xe9, site, func);
    kind = 'call';
  }
  if (code.every((b, i) => b === cur[i])) return 'same';
  const target = func === null ? 'NOP' : symbolic(k, func);
  text_poke_bp(k, site, code, `static call at ${symbolic(k, site)} → ${target}`);
  return kind;
}

/**
 * static_call_del_module() (6.1): unlink the module's static_call_mod from every key it used.
 * For vmlinux keys that is vmlinux memory; for the module's own keys, the kmalloc'd list the
 * emulator never built. Nothing of the module's bytes changes.
 */
export function static_call_del_module(k: Kernel, mod: Module): void {
  const tab = { num: mod.num_static_call_sites };
  if (!tab.num) return;
  k.trace.step(
    `static_call_del_module: ${mod.name}'s sites unlinked from their keys (kmalloc'd lists, no module bytes written)`,
    {
      module: mod.name,
      file: FILE,
      fn: 'static_call_del_module',
    },
  );
}
