// The module notifier of kernel/jump_label.c (6.1) with x86's arch_jump_label_transform_queue()
// (arch/x86/kernel/jump_label.c): when a module comes, its __jump_table (relative entries:
// s32 code, s32 target, long key with the branch and init bits) is sorted by key and code,
// each entry's init bit is set or cleared, keys defined in the module learn where their
// entries are, and the sites of a vmlinux key that is no longer in its default state are
// switched with text_poke_bp. Objtool wrote every site for the key's default state.
import { text_gen_insn, x86_nops } from './arch/x86/alternative.ts';
import { insn_decode_kernel } from './arch/x86/insn.ts';
import { type TextPokeLoc, text_poke_queue_finish } from './arch/x86/text_poke.ts';
import { countMoved } from './arch/x86/unwind_orc.ts';
import { kernel_text_address } from './extable.ts';
import type { Kernel } from './kernel_types.ts';
import { sortOf } from './lib/sort.ts';
import { s32At, s64At, setS32, setS64 } from './lib/unaligned.ts';
import { symbolic } from './module/kallsyms.ts';
import { type Module, within_module, within_module_init } from './module/types.ts';

const FILE = 'kernel/jump_label.c';
export const SIZEOF_JUMP_ENTRY = 16; // struct jump_entry { s32 code; s32 target; long key; }
const JUMP_TYPE_MASK = 3n;

interface Entry {
  addr: bigint;
  code: bigint;
  target: bigint;
  /** key field as an address, with the branch (1) and init (2) bits */
  rawKey: bigint;
}

function entryAt(base: bigint, buf: Uint8Array, off: number): Entry {
  const addr = base + BigInt(off);
  return {
    addr,
    // jump_entry_code(): (unsigned long)&entry->code + entry->code
    code: BigInt.asUintN(64, addr + BigInt(s32At(buf, off))),
    target: addr + 4n + BigInt(s32At(buf, off + 4)),
    rawKey: BigInt.asUintN(64, addr + 8n + s64At(buf, off + 8)),
  };
}
const keyOf = (e: Entry) => e.rawKey & ~JUMP_TYPE_MASK;

/**
 * jump_label_sort_entries() with jump_label_cmp() and the relative jump_label_swap(): the
 * kernel's sort() without a BigInt per compare (that cost amdgpu.ko 30 MB of garbage). A swap
 * moves an entry and adds the distance to its relative fields, so the entries move as a
 * permutation and each is written once, at its final place, with the sum — the same bytes. The
 * key (a long) keeps its absolute value wherever the entry goes; the code (an s32) may wrap on a
 * move, so an entry's code is computed from where it is now, as the kernel reads it.
 */
export function jump_label_sort_entries(k: Kernel, base: bigint, buf: Uint8Array, num: number): void {
  const keyHi = new Uint32Array(num);
  const keyLo = new Uint32Array(num);
  const rel = new Int32Array(num);
  const perm = new Int32Array(num);
  for (let i = 0; i < num; i++) {
    const key = keyOf(entryAt(base, buf, i * SIZEOF_JUMP_ENTRY));
    keyHi[i] = Number(key >> 32n);
    keyLo[i] = Number(key & 0xffffffffn);
    rel[i] = s32At(buf, i * SIZEOF_JUMP_ENTRY);
    perm[i] = i;
  }
  const baseHi = Number(base >> 32n);
  const baseLo = Number(base & 0xffffffffn);
  const TWO32 = 2 ** 32;
  // jump_entry_code() of entry x now at byte offset a, as 32-bit halves in codeHi/codeLo
  let codeHi = 0;
  let codeLo = 0;
  const codeAt = (x: number, a: number) => {
    const sum = baseLo + a + ((rel[x]! + SIZEOF_JUMP_ENTRY * x - a) | 0);
    const carry = Math.floor(sum / TWO32);
    codeHi = (baseHi + carry) >>> 0;
    codeLo = sum - carry * TWO32;
  };
  const cmp = (a: number, b: number) => {
    const x = perm[a / SIZEOF_JUMP_ENTRY]!;
    const y = perm[b / SIZEOF_JUMP_ENTRY]!;
    if (keyHi[x] !== keyHi[y]) return keyHi[x]! < keyHi[y]! ? -1 : 1;
    if (keyLo[x] !== keyLo[y]) return keyLo[x]! < keyLo[y]! ? -1 : 1;
    codeAt(x, a);
    const xh = codeHi;
    const xl = codeLo;
    codeAt(y, b);
    if (xh !== codeHi) return xh < codeHi ? -1 : 1;
    if (xl !== codeLo) return xl < codeLo ? -1 : 1;
    return 0;
  };
  const swap = (a: number, b: number) => {
    const t = perm[a / SIZEOF_JUMP_ENTRY]!;
    perm[a / SIZEOF_JUMP_ENTRY] = perm[b / SIZEOF_JUMP_ENTRY]!;
    perm[b / SIZEOF_JUMP_ENTRY] = t;
  };
  if (!sortOf(k.profile)(num, SIZEOF_JUMP_ENTRY, cmp, swap)) return;
  const orig = buf.slice(0, num * SIZEOF_JUMP_ENTRY);
  for (let p = 0; p < num; p++) {
    const e = perm[p]!;
    if (e === p) continue;
    const from = e * SIZEOF_JUMP_ENTRY;
    const to = p * SIZEOF_JUMP_ENTRY;
    const delta = from - to;
    setS32(buf, to, (s32At(orig, from) + delta) | 0);
    setS32(buf, to + 4, (s32At(orig, from + 4) + delta) | 0);
    setS64(buf, to + 8, s64At(orig, from + 8) + BigInt(delta));
  }
}

/**
 * jump_label_sort_entries() as lib/sort.c runs it on the table itself, swap by swap: the
 * reference the permutation above is tested against.
 */
export function jump_label_sort_reference(k: Kernel, base: bigint, buf: Uint8Array, num: number): void {
  const cmp = (a: number, b: number) => {
    const ea = entryAt(base, buf, a);
    const eb = entryAt(base, buf, b);
    if (keyOf(ea) < keyOf(eb)) return -1;
    if (keyOf(ea) > keyOf(eb)) return 1;
    if (ea.code < eb.code) return -1;
    if (ea.code > eb.code) return 1;
    return 0;
  };
  const swap = (a: number, b: number) => {
    const delta = a - b;
    const [tc, tt, tk] = [s32At(buf, a), s32At(buf, a + 4), s64At(buf, a + 8)];
    setS32(buf, a, (s32At(buf, b) - delta) | 0);
    setS32(buf, a + 4, (s32At(buf, b + 4) - delta) | 0);
    setS64(buf, a + 8, s64At(buf, b + 8) - BigInt(delta));
    setS32(buf, b, (tc + delta) | 0);
    setS32(buf, b + 4, (tt + delta) | 0);
    setS64(buf, b + 8, tk + BigInt(delta));
  };
  sortOf(k.profile)(num, SIZEOF_JUMP_ENTRY, cmp, swap);
}

/** The name a key goes by: the vmlinux or module object holding it (a tracepoint's key is inside it). */
function keyName(k: Kernel, key: bigint): string {
  return symbolic(k, key);
}

/** Is this vmlinux key flipped from its default, as far as the machine profile knows? */
function keyFlipped(k: Kernel, key: bigint): boolean {
  const name = keyName(k, key).replace(/\+0x[0-9a-f]+$/, '');
  return k.machine.staticKeysFlipped.includes(name);
}

export function jump_label_add_module(k: Kernel, mod: Module): void {
  const tab = { addr: mod.jump_entries, num: mod.num_jump_entries };
  if (!tab.num) return;
  const step = k.trace.step('jump_label_add_module', { module: mod.name, file: FILE, fn: 'jump_label_add_module' });
  const buf = k.mem.read(tab.addr, tab.num * SIZEOF_JUMP_ENTRY);
  const before = buf.slice();
  jump_label_sort_entries(k, tab.addr, buf, tab.num);
  const moved = countMoved(before, buf, SIZEOF_JUMP_ENTRY);
  if (moved)
    k.mem.write(tab.addr, buf.slice(), 'memcpy', {
      what: `__jump_table sorted by key and code (${moved} entries moved)`,
    });

  // jump_entry_set_init(): the init bit says "in init text"; the build left bit 1 set on every
  // NOP'd site (`2 | branch`), so core entries get it cleared here
  const sorted = buf.slice();
  let init = 0;
  for (let off = 0; off < tab.num * SIZEOF_JUMP_ENTRY; off += SIZEOF_JUMP_ENTRY) {
    const e = entryAt(tab.addr, buf, off);
    const inInit = within_module_init(e.code, mod);
    if (inInit) init++;
    const k64 = s64At(buf, off + 8);
    setS64(buf, off + 8, inInit ? k64 | 2n : k64 & ~2n);
  }
  const initChanged = countMoved(sorted, buf, SIZEOF_JUMP_ENTRY);
  if (initChanged)
    k.mem.write(tab.addr, buf.slice(), 'memcpy', {
      what: `jump_entry_set_init: ${initChanged} entries' init bit updated (${init} in init text)`,
    });

  let ownKeys = 0;
  const vmlinuxKeys = new Set<bigint>();
  const flips: TextPokeLoc[] = [];
  let prev: bigint | undefined;
  for (let off = 0; off < tab.num * SIZEOF_JUMP_ENTRY; off += SIZEOF_JUMP_ENTRY) {
    const e = entryAt(tab.addr, buf, off);
    const key = keyOf(e);
    if (key === prev) continue;
    prev = key;
    if (within_module(key, mod)) {
      // static_key_set_entries(): key->entries = iter, keeping the type bits
      const cur = new DataView(k.mem.read(key + 8n, 8).buffer).getBigUint64(0, true);
      const v = new Uint8Array(8);
      new DataView(v.buffer).setBigUint64(0, e.addr | (cur & JUMP_TYPE_MASK), true);
      k.mem.write(key + 8n, v, 'memcpy', { what: `static_key_set_entries: ${keyName(k, key)}.entries` });
      ownKeys++;
      continue;
    }
    // a vmlinux key: a static_key_mod links this module in (kmalloc'd, vmlinux memory: not emulated)
    vmlinuxKeys.add(key);
    if (!keyFlipped(k, key)) continue;
    // __jump_label_update(key, iter, stop, true): every entry of this key
    for (let o = off; o < tab.num * SIZEOF_JUMP_ENTRY; o += SIZEOF_JUMP_ENTRY) {
      const f = entryAt(tab.addr, buf, o);
      if (keyOf(f) !== key) break;
      if (!kernel_text_address(k, f.code)) continue;
      const p = __jump_label_patch(k, f);
      if (p) flips.push(p);
    }
  }
  const batches = text_poke_queue_finish(k, flips, 'jump_label_add_module');
  step.title =
    `jump_label_add_module: ${tab.num} entries sorted (${moved} moved), init bit rewritten on ${initChanged} (${init} in init text), ` +
    `${ownKeys} module keys linked, ${vmlinuxKeys.size} vmlinux keys; ` +
    (flips.length
      ? `${flips.length} sites switched (${batches} text_poke_bp batches)`
      : 'no key out of its default state, no site patched');
}

/** __jump_label_patch(): the site of a flipped key goes from what objtool left to the other state. */
function __jump_label_patch(k: Kernel, e: Entry): TextPokeLoc | null {
  const insn = insn_decode_kernel(k.mem.readAhead(e.code, 15));
  const size = insn?.length;
  if (size !== 2 && size !== 5) {
    k.trace.printk('err', `jump_label: unexpected instruction at ${symbolic(k, e.code)}`);
    return null;
  }
  const jmp = text_gen_insn(size === 2 ? 0xeb : 0xe9, e.code, e.target, size);
  const nop = x86_nops[size]!;
  const cur = k.mem.read(e.code, size);
  const isNop = cur.every((b, i) => b === nop[i]);
  const isJmp = cur.every((b, i) => b === jmp[i]);
  if (!isNop && !isJmp) {
    k.trace.printk('err', `jump_label: Fatal kernel bug, unexpected op at ${symbolic(k, e.code)}`);
    return null;
  }
  return {
    addr: e.code,
    bytes: isNop ? jmp : nop,
    what: `jump label ${isNop ? 'NOP → jmp' : 'jmp → NOP'} at ${symbolic(k, e.code)}`,
  };
}

/**
 * jump_label_del_module() (6.1): unlinks the module from the vmlinux keys it used (kfree of a
 * static_key_mod, and the key's own pointer: vmlinux memory) and leaves its own keys alone:
 * nothing of the module's memory is written.
 */
export function jump_label_del_module(k: Kernel, mod: Module): void {
  const tab = { num: mod.num_jump_entries };
  if (!tab.num) return;
  k.trace.step(
    `jump_label_del_module: ${mod.name} unlinked from the vmlinux keys it uses (vmlinux memory, not the module's)`,
    {
      module: mod.name,
      file: FILE,
      fn: 'jump_label_del_module',
    },
  );
}
