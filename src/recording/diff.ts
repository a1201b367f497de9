// What a real kernel did (a recorded trace) against what the emulator did with the same operations:
// every difference in what touches memory, each with the steps on both sides and one line, and —
// when the difference is expected — why. Compared, per operation (matched by what it does and to
// which module): allocations and frees of module-space memory, every set_memory_* call (function,
// region, offset, pages, the permissions it changed) and every write the recording can see (the
// text_poke family: address and length). Plain stores through a module's own mapping (relocations
// while it loads) are not probed, so they count only to tell a write path apart. Regions are named
// by module and region, trampolines as such, and addresses are compared as offsets into them.
// Pure: two traces and their operations in, plain data out.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { permLetters } from '../trace/replay.ts';
import type { RecordedOp, Region, Trace, WritePath } from '../trace/types.ts';
import { WRITE_PATHS } from '../trace/write_log.ts';

export type DivergenceKind =
  /** the same region and offset get other set_memory_* calls, pages or permissions */
  | 'permission'
  /** bytes reach the same place by another path (text_poke vs a plain store) */
  | 'write-path'
  /** the same thing happens in another operation, or out of order */
  | 'order'
  /** an operation succeeds on one side only, or fails with another error */
  | 'error'
  /** the real kernel did it, the emulation did not */
  | 'missing'
  /** the emulation did it, the real kernel did not */
  | 'extra'
  /** an allocation lands at another offset from the first module's base */
  | 'address';

export interface Divergence {
  kind: DivergenceKind;
  /** The operation it belongs to, as the recording names it ("insmod klp_demo_target"). */
  op: string;
  /** Step of the recorded trace, and of the emulated one; null when that side has none. */
  real: number | null;
  emulated: number | null;
  text: string;
  /** Why this difference is expected (the probes' own effect, deferred work, a call the emulator skips). */
  known?: string;
}

/** Known, named differences: the recording's README and capture/README.md explain them. */
export const KNOWN = {
  probePages:
    "klp-capture's own probe pages (kprobe instruction slots, its ftrace trampoline) were allocated in module space " +
    'before the recording: modules land higher; offsets are compared, not bases',
  zeroPages:
    "6.1's module_enable_ro/nx/x() call set_memory_*() for every part of the layout, empty ones too (numpages 0: " +
    'nothing changes, nothing is flushed); the emulator makes no call for an empty part',
  deferredFree:
    'do_free_init() is deferred work (call_rcu(), then a kworker): the real kernel freed this init memory when the ' +
    'work ran, the emulator frees it before load_module() returns',
  reuse:
    'vmalloc hands out the lowest free range that fits: whether freed init pages were already free when this ' +
    'allocation came (do_free_init() is deferred) decides where it lands, and where the next ones land',
  hashedPointers: "the kernel's message hashes pointers (%p): only addresses differ",
  inlinedTextPoke:
    'alternatives_smp_module_add() has alternatives_smp_unlock() and text_poke() inlined and calls __text_poke() ' +
    "itself (Debian's 6.1.192 and 6.12.118 disassembled): a kprobe on text_poke never sees this write; the real " +
    'memory holds its 3e',
} as const;

interface Effect {
  kind: 'alloc' | 'free' | 'perm' | 'write';
  step: number;
  op: number;
  /** What is compared. */
  token: string;
  /** Region and offset (perm, write): differences at one site are told together. */
  site: string;
  label?: string;
  off?: bigint;
  len?: bigint;
  path?: WritePath;
  text: string;
  zeroPages?: boolean;
  base?: bigint;
  /** An alloc whose range overlaps a region freed earlier in its trace. */
  reused?: boolean;
  module?: boolean;
  init?: boolean;
}

interface PlainWrite {
  op: number;
  step: number;
  label: string;
  from: bigint;
  to: bigint;
  path: WritePath;
}

const OBSERVED: ReadonlySet<WritePath> = new Set(['text_poke', 'text_poke_early']);

const label = (r: Region) =>
  r.module === 'ftrace' && r.name.startsWith('trampoline')
    ? 'ftrace trampoline'
    : r.module === 'vmlinux'
      ? 'vmlinux'
      : `${r.module} ${r.name}`;
const hex = (n: bigint) => `0x${n.toString(16)}`;
/** vmlinux sites by address, module sites as offsets into their region */
const siteOf = (l: string, off: bigint) => (l === 'vmlinux' ? `vmlinux ${off.toString(16)}` : `${l}+${hex(off)}`);
const opName = (o: RecordedOp) => o.module.replace(/\.ko(\.(gz|xz|zst))?$/, '');
const opLabel = (o: RecordedOp) => `${o.op} ${opName(o)}`;

/** Every effect of a trace, with the operation it belongs to; and its plain writes. */
function effects(trace: Trace, ops: RecordedOp[]): { effects: Effect[]; plain: PlainWrite[] } {
  const out: Effect[] = [];
  const plain: PlainWrite[] = [];
  const live: Region[] = [];
  const freed: Array<[bigint, bigint]> = [];
  const regionOf = (addr: bigint) => {
    for (let i = live.length - 1; i >= 0; i--) {
      const r = live[i]!;
      if (addr >= r.base && addr < r.base + BigInt(Math.ceil(r.size / PAGE_SIZE) * PAGE_SIZE)) return r;
    }
    return undefined;
  };
  const place = (addr: bigint) => {
    const r = regionOf(addr);
    if (!r) return { label: addr >= 0xffffffff80000000n && addr < 0xffffffffa0000000n ? 'vmlinux' : '?', off: addr };
    return r.module === 'vmlinux' ? { label: 'vmlinux', off: addr } : { label: label(r), off: addr - r.base };
  };
  let op = -1;
  for (const step of trace.steps) {
    while (op + 1 < ops.length && ops[op + 1]!.step <= step.index) op++;
    const at = { step: step.index, op: Math.max(op, 0) };
    const pokes: Array<{ label: string; from: bigint; to: bigint; path: WritePath; what?: string }> = [];
    for (const e of step.events) {
      if (e.kind === 'alloc') {
        live.push(e.region);
        if (e.region.module === 'vmlinux') continue;
        const pages = Math.ceil(e.region.size / PAGE_SIZE);
        const end = e.region.base + BigInt(pages * PAGE_SIZE);
        const l = label(e.region);
        out.push({
          ...at,
          kind: 'alloc',
          token: `alloc ${l} ${pages}p`,
          site: l,
          text: `${l} allocated (${pages} page${pages === 1 ? '' : 's'})`,
          base: e.region.base,
          reused: freed.some(([a, b]) => a < end && e.region.base < b),
          module: e.region.module !== 'ftrace',
          init: /init/i.test(e.region.name),
        });
      } else if (e.kind === 'free') {
        const i = live.findIndex((r) => r.base === e.region.base);
        if (i >= 0) live.splice(i, 1);
        const pages = Math.ceil(e.region.size / PAGE_SIZE);
        freed.push([e.region.base, e.region.base + BigInt(pages * PAGE_SIZE)]);
        const l = label(e.region);
        out.push({
          ...at,
          kind: 'free',
          token: `free ${l}`,
          site: l,
          text: `${l} freed`,
          init: /init/i.test(e.region.name),
        });
      } else if (e.kind === 'perm') {
        const p = place(e.addr);
        const changes = [...new Set(e.changed.map((c) => `${permLetters(c.from)}→${permLetters(c.to)}`))].sort();
        const what = e.pages === 0 ? '0 pages' : `${e.pages}p ${changes.length ? changes.join(',') : 'no change'}`;
        const site = siteOf(p.label, p.off);
        out.push({
          ...at,
          kind: 'perm',
          token: `${e.fn} ${site} ${what}`,
          site,
          text: `${e.fn}(${site}, ${e.pages})${changes.length ? `: ${changes.join(', ')}` : ''}`,
          zeroPages: e.pages === 0,
        });
      } else if (e.kind === 'writes') {
        for (let i = e.from; i < e.from + e.count; i++) {
          const addr = trace.writes.addr[i]!;
          const size = BigInt(trace.writes.size[i]!);
          const path = WRITE_PATHS[trace.writes.path[i]!]!;
          const p = place(addr);
          const what = trace.recorded ? undefined : trace.writes.strings[trace.writes.what[i]!];
          const w = { label: p.label, from: p.off, to: p.off + size, path, ...(what ? { what } : {}) };
          if (OBSERVED.has(path)) pokes.push(w);
          else plain.push({ ...at, ...w });
        }
      }
    }
    // the int3 protocol writes a site in three pokes (int3, tail, first byte), a recording sees one
    // text_poke_queue: text_poke writes that touch or overlap are one site; other writes only when
    // they overlap (text_poke_early's return thunks and ftrace NOPs can be back to back)
    const merged: typeof pokes = [];
    for (const w of pokes) {
      const touch = w.path === 'text_poke' ? 0n : 1n;
      const m = merged.find(
        (x) => x.label === w.label && x.path === w.path && w.from + touch <= x.to && x.from + touch <= w.to,
      );
      if (!m) merged.push({ ...w });
      else {
        if (w.from < m.from) m.from = w.from;
        if (w.to > m.to) m.to = w.to;
      }
    }
    for (const w of merged) {
      const site = siteOf(w.label, w.from);
      out.push({
        ...at,
        kind: 'write',
        label: w.label,
        off: w.from,
        len: w.to - w.from,
        path: w.path,
        token: `${w.path} ${site} ${w.to - w.from}B`,
        site,
        text: `${w.path}(${site}, ${w.to - w.from} byte${w.to - w.from === 1n ? '' : 's'}${w.what ? `: ${w.what}` : ''})`,
      });
    }
  }
  return { effects: out, plain };
}

/** Longest common subsequence of two token lists: the matched index pairs, in order. */
function lcs(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const L = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i * (m + 1) + j] =
        a[i] === b[j]
          ? L[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(L[(i + 1) * (m + 1) + j]!, L[i * (m + 1) + j + 1]!);
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) out.push([i++, j++]);
    else if (L[(i + 1) * (m + 1) + j]! >= L[i * (m + 1) + j + 1]!) i++;
    else j++;
  }
  return out;
}

const normalize = (message: string) => message.replace(/\b(0x)?[0-9a-f]{8,16}\b/g, '…');

/**
 * The divergences between `real` (recordingToTrace()) and `emulated` (the emulator's run of the
 * same operations; `emulatedOps` says where each starts), in the recording's order.
 */
export function diffRecording(real: Trace, emulated: Trace, emulatedOps: RecordedOp[]): Divergence[] {
  const realOps = real.recorded?.ops ?? [];
  const R = effects(real, realOps);
  const E = effects(emulated, emulatedOps);
  const out: Divergence[] = [];
  const add = (d: Divergence, order: number) => sorted.push([order, d]);
  const sorted: Array<[number, Divergence]> = [];
  const orderOf = (op: number, step: number | null) => op * 1e7 + (step ?? 0);

  // operations, matched by what they do to which module
  const opPairs = lcs(
    realOps.map((o) => `${o.op}:${opName(o)}`),
    emulatedOps.map((o) => `${o.op}:${opName(o)}`),
  );
  const emuOpOf = new Map(opPairs.map(([r, e]) => [r, e]));
  const realOpOf = new Map(opPairs.map(([r, e]) => [e, r]));
  // an operation only one side made: one line, with what it did
  const word: Record<Effect['kind'], string> = {
    alloc: 'allocation',
    free: 'free',
    perm: 'set_memory_*() call',
    write: 'write',
  };
  const tally = (list: Effect[]) => {
    const n = new Map<Effect['kind'], number>();
    for (const z of list) n.set(z.kind, (n.get(z.kind) ?? 0) + 1);
    return [...n].map(([k, c]) => `${c} ${word[k]}${c === 1 ? '' : 's'}`).join(', ') || 'nothing in memory';
  };
  realOps.forEach((o, i) => {
    if (emuOpOf.has(i)) return;
    const did = tally(R.effects.filter((x) => x.op === i));
    add(
      {
        kind: 'missing',
        op: opLabel(o),
        real: o.step,
        emulated: null,
        text: `${opLabel(o)} is not in the emulation (the real kernel made ${did})`,
      },
      orderOf(i, o.step),
    );
  });
  emulatedOps.forEach((o, i) => {
    if (realOpOf.has(i)) return;
    const did = tally(E.effects.filter((x) => x.op === i));
    add(
      {
        kind: 'extra',
        op: opLabel(o),
        real: null,
        emulated: o.step,
        text: `${opLabel(o)} is not in the recording (the emulation made ${did})`,
      },
      orderOf(i, 0),
    );
  });
  // an emulated operation's place in the recording's order
  const realOpFor = (e: number) => realOpOf.get(e) ?? Math.min(e, Math.max(realOps.length - 1, 0));

  for (const [r, e] of opPairs) {
    const ro = realOps[r]!;
    const eo = emulatedOps[e]!;
    if (ro.ok !== eo.ok || (ro.errno ?? '') !== (eo.errno ?? '')) {
      const say = (o: RecordedOp) =>
        o.ok ? 'succeeds' : `fails (${o.errno ?? 'error'}${o.message ? `: ${o.message}` : ''})`;
      add(
        {
          kind: 'error',
          op: opLabel(ro),
          real: ro.step,
          emulated: eo.step,
          text: `${opLabel(ro)} ${say(ro)} on the real kernel, ${say(eo)} in the emulation`,
        },
        orderOf(r, ro.step),
      );
    } else if (!ro.ok && normalize(ro.message ?? '') !== normalize(eo.message ?? '')) {
      add(
        {
          kind: 'error',
          op: opLabel(ro),
          real: ro.step,
          emulated: eo.step,
          text: `${opLabel(ro)}: the kernel says "${ro.message ?? ''}", the emulation "${eo.message ?? ''}"`,
        },
        orderOf(r, ro.step),
      );
    }
  }

  // effects, matched per operation, then across operations (order), then told apart by site
  const matchedR = new Set<Effect>();
  const matchedE = new Set<Effect>();
  const allocPairs: Array<[Effect, Effect]> = [];
  const byOp = (list: Effect[], op: number) => list.filter((x) => x.op === op);
  for (const [r, e] of opPairs) {
    const a = byOp(R.effects, r);
    const b = byOp(E.effects, e);
    for (const [i, j] of lcs(
      a.map((x) => x.token),
      b.map((x) => x.token),
    )) {
      matchedR.add(a[i]!);
      matchedE.add(b[j]!);
      if (a[i]!.kind === 'alloc') allocPairs.push([a[i]!, b[j]!]);
    }
  }
  const restR = R.effects.filter((x) => !matchedR.has(x) && emuOpOf.has(x.op));
  let restE = E.effects.filter((x) => !matchedE.has(x) && realOpOf.has(x.op));
  for (const x of restR) {
    const y = restE.find((z) => z.token === x.token);
    if (!y) continue;
    matchedR.add(x);
    matchedE.add(y);
    restE = restE.filter((z) => z !== y);
    if (x.kind === 'alloc') allocPairs.push([x, y]);
    const ro = realOps[x.op];
    const eo = emulatedOps[y.op];
    add(
      {
        kind: 'order',
        op: ro ? opLabel(ro) : '',
        real: x.step,
        emulated: y.step,
        text: `${x.text}: during ${ro ? opLabel(ro) : '?'} on the real kernel, during ${eo ? opLabel(eo) : '?'} in the emulation`,
        ...(x.kind === 'free' && x.init ? { known: KNOWN.deferredFree } : {}),
      },
      orderOf(x.op, x.step),
    );
  }
  const leftR = restR.filter((x) => !matchedR.has(x));
  const leftE = restE;

  // same site, other calls: the real calls of one step at one site against the emulated ones of
  // one step at that site, pair by pair in order (four trampolines are four pairs)
  const used = new Set<Effect>();
  const groups = (list: Effect[], opOf: (x: Effect) => number) => {
    const m = new Map<string, Effect[]>();
    for (const x of list)
      if (x.kind === 'perm' && !x.zeroPages) {
        const k = `${opOf(x)}|${x.site}|${x.step}`;
        m.set(k, [...(m.get(k) ?? []), x]);
      }
    return [...m.values()];
  };
  const gE = groups(leftE, (x) => realOpFor(x.op));
  const short = (z: Effect) => z.text.replace(/\(.*?\)/, '');
  for (const mine of groups(leftR, (x) => x.op)) {
    const x = mine[0]!;
    const i = gE.findIndex((g) => realOpFor(g[0]!.op) === x.op && g[0]!.site === x.site);
    if (i < 0) continue;
    const theirs = gE.splice(i, 1)[0]!;
    for (const z of [...mine, ...theirs]) used.add(z);
    const ro = realOps[x.op];
    add(
      {
        kind: 'permission',
        op: ro ? opLabel(ro) : '',
        real: x.step,
        emulated: theirs[0]!.step,
        text: `${x.site}: ${mine.map(short).join(', ')} on the real kernel; ${theirs.map(short).join(', ')} in the emulation`,
      },
      orderOf(x.op, x.step),
    );
  }
  // an operation that fails on one side only: what the other side did after that point follows from it
  const failed = new Set(opPairs.filter(([r, e]) => realOps[r]!.ok !== emulatedOps[e]!.ok).map(([r]) => r));
  const after = new Map<number, { missing: Effect[]; extra: Effect[] }>();
  const zero = new Map<number, Effect[]>();
  for (const x of leftR) {
    if (used.has(x)) continue;
    if (x.kind === 'perm' && x.zeroPages) {
      zero.set(x.op, [...(zero.get(x.op) ?? []), x]);
      continue;
    }
    const ro = realOps[x.op];
    const opText = ro ? opLabel(ro) : '';
    if (x.kind === 'write') {
      // the same write a few bytes off (an fentry site after ENDBR64, say)
      const near = leftE.find(
        (y) =>
          !used.has(y) &&
          y.kind === 'write' &&
          realOpFor(y.op) === x.op &&
          y.label === x.label &&
          y.path === x.path &&
          y.len === x.len &&
          y.off! - x.off! <= 16n &&
          x.off! - y.off! <= 16n,
      );
      if (near) {
        used.add(near);
        const d = x.off! - near.off!;
        add(
          {
            kind: 'address',
            op: opText,
            real: x.step,
            emulated: near.step,
            text: `${x.text} on the real kernel; ${d > 0n ? d : -d} bytes ${d > 0n ? 'before' : 'after'} it in the emulation (${near.site})`,
          },
          orderOf(x.op, x.step),
        );
        continue;
      }
      const l = x.label!;
      const at = x.off!;
      const via = E.plain.find((p) => realOpFor(p.op) === x.op && p.label === l && p.from <= at && at < p.to);
      if (via) {
        add(
          {
            kind: 'write-path',
            op: opText,
            real: x.step,
            emulated: via.step,
            text: `${x.site}: written by ${x.token.split(' ')[0]} on the real kernel, by a plain ${via.path} in the emulation`,
          },
          orderOf(x.op, x.step),
        );
        continue;
      }
    }
    if (failed.has(x.op)) {
      const f = after.get(x.op) ?? { missing: [], extra: [] };
      f.missing.push(x);
      after.set(x.op, f);
      continue;
    }
    add(
      { kind: 'missing', op: opText, real: x.step, emulated: null, text: `${x.text}: not in the emulation` },
      orderOf(x.op, x.step),
    );
  }
  for (const [op, list] of zero) {
    const ro = realOps[op];
    add(
      {
        kind: 'missing',
        op: ro ? opLabel(ro) : '',
        real: list[0]!.step,
        emulated: null,
        text: `${list.length} set_memory_*() call${list.length === 1 ? '' : 's'} with numpages 0: ${[...new Set(list.map((z) => z.site))].join(', ')}`,
        known: KNOWN.zeroPages,
      },
      orderOf(op, list[0]!.step),
    );
  }
  for (const y of leftE) {
    if (used.has(y)) continue;
    const op = realOpFor(y.op);
    const ro = realOps[op];
    if (failed.has(op)) {
      const f = after.get(op) ?? { missing: [], extra: [] };
      f.extra.push(y);
      after.set(op, f);
      continue;
    }
    const inlined = y.kind === 'write' && emulated.steps[y.step]?.path.includes('alternatives_smp_module_add');
    add(
      {
        kind: 'extra',
        op: ro ? opLabel(ro) : '',
        real: null,
        emulated: y.step,
        text: `${y.text}: not on the real kernel`,
        ...(inlined ? { known: KNOWN.inlinedTextPoke } : {}),
      },
      orderOf(op, null) + 5e6,
    );
  }
  for (const [op, f] of after) {
    const ro = realOps[op]!;
    const which = ro.ok ? 'the emulation' : 'the real kernel';
    if (f.missing.length)
      add(
        {
          kind: 'missing',
          op: opLabel(ro),
          real: f.missing[0]!.step,
          emulated: null,
          text: `after ${which} failed, the real kernel still made ${tally(f.missing)} the emulation did not`,
        },
        orderOf(op, f.missing[0]!.step),
      );
    if (f.extra.length)
      add(
        {
          kind: 'extra',
          op: opLabel(ro),
          real: null,
          emulated: f.extra[0]!.step,
          text: `after ${which} failed, the emulation made ${tally(f.extra)} the real kernel did not`,
        },
        orderOf(op, null) + 5e6,
      );
  }

  // addresses: as offsets from the first module allocation on each side
  const first = allocPairs.find(([x]) => x.module);
  if (first) {
    const shift = first[0].base! - first[1].base!;
    if (shift !== 0n) {
      const ro = realOps[first[0].op];
      add(
        {
          kind: 'address',
          op: ro ? opLabel(ro) : '',
          real: first[0].step,
          emulated: first[1].step,
          text: `every module-space address is ${shift > 0n ? '' : '-'}${hex(shift < 0n ? -shift : shift)} ${shift > 0n ? 'higher' : 'lower'} on the real kernel`,
          known: KNOWN.probePages,
        },
        orderOf(first[0].op, first[0].step) - 1,
      );
    }
    // once an allocation lands elsewhere because of freed pages, the ones after it follow
    let moved = false;
    for (const [x, y] of [...allocPairs].sort((a, b) => a[0].step - b[0].step)) {
      const d = x.base! - shift - y.base!;
      if (d === 0n) continue;
      moved ||= !!(x.reused || y.reused);
      const ro = realOps[x.op];
      const rel = (v: bigint) => `${v < 0n ? '-' : '+'}${hex(v < 0n ? -v : v)}`;
      add(
        {
          kind: 'address',
          op: ro ? opLabel(ro) : '',
          real: x.step,
          emulated: y.step,
          text: `${x.site} at ${rel(x.base! - first[0].base!)} from the first module on the real kernel${x.reused ? ' (in freed pages)' : ''}, at ${rel(y.base! - first[1].base!)} in the emulation${y.reused ? ' (in freed pages)' : ''}`,
          ...(moved ? { known: KNOWN.reuse } : {}),
        },
        orderOf(x.op, x.step),
      );
    }
  }
  sorted.sort((a, b) => a[0] - b[0]);
  for (const [, d] of sorted) out.push(d);
  return out;
}
