// Checks every step of a trace against the rules W^X is about, and measures what each design
// costs: RWX windows, pages made writable after being executable, set_memory_* calls and TLB
// shootdowns, text_poke() writes and sync IPIs. Page permissions come from the trace's one replay
// (src/trace/replay.ts), read between events.
import { PAGE_MASK, PAGE_SIZE } from '../kernel/mm/page.ts';
import { PermCode } from '../trace/perm_code.ts';
import { PageReplay } from '../trace/replay.ts';
import type { ModuleState, Step, Trace } from '../trace/types.ts';
import { WRITE_PATHS } from '../trace/write_log.ts';

export type VerdictKind =
  /** a page writable and executable at once */
  | 'rwx'
  /** a plain store/memcpy into a page that is not writable: the kernel would oops */
  | 'fault'
  /** written other than through text_poke after it became executable */
  | 'write-after-exec'
  /** a .klp.rela.<obj> section applied while <obj> is not loaded */
  | 'klp-rela-absent'
  /** a relocation written over code that module_finalize had already rewritten */
  | 'reloc-after-finalize';

export interface Verdict {
  step: number;
  kind: VerdictKind;
  text: string;
  pages?: bigint[];
}

export interface Metrics {
  steps: number;
  /** `ftrace`: opened by ftrace itself — 5.4's create_trampoline() or ftrace_arch_code_modify_prepare() (all module text). */
  rwxWindows: Array<{ from: number; to: number; maxPages: number; ftrace: boolean }>;
  pagesWritableAfterExec: number;
  setMemory: Record<string, number>;
  /** cpa_flush() IPI rounds, by what each CPU flushes. */
  tlbFlushes: { flush_tlb_one_kernel: number; flush_tlb_all: number };
  textPokes: number;
  textPokeSyncs: number;
  faults: number;
}

export interface Audit {
  verdicts: Verdict[];
  metrics: Metrics;
  /** Per step: which verdict kinds fired (for timeline marks). */
  byStep: Map<number, VerdictKind[]>;
}

const PAGE = BigInt(PAGE_SIZE);
const FTRACE_WINDOW_OPENERS = new Set(['ftrace_arch_code_modify_prepare', 'arch_ftrace_update_trampoline']);
const pageOf = (a: bigint) => a & PAGE_MASK;
const ownerOf = (r: { region: { module: string; name: string } }) => `${r.region.module} ${r.region.name}`;

export function auditTrace(trace: Trace): Audit {
  const replay = new PageReplay();
  const everExec = new Set<bigint>();
  const states = new Map<string, ModuleState>();
  // bytes module_finalize rewrote: one bit per byte, per page that has any
  const finalized = new Map<bigint, Uint8Array>();
  /** Visits [addr, addr + n) page by page; stops when fn returns true. */
  const byPage = (addr: bigint, n: number, fn: (page: bigint, from: number, to: number) => boolean | void): boolean => {
    let a = addr;
    for (let left = n; left > 0; ) {
      const page = pageOf(a);
      const from = Number(a - page);
      const k = Math.min(left, PAGE_SIZE - from);
      if (fn(page, from, from + k)) return true;
      a += BigInt(k);
      left -= k;
    }
    return false;
  };
  const isFinalized = (addr: bigint, n: number): boolean =>
    byPage(addr, n, (page, from, to) => {
      const bits = finalized.get(page);
      if (bits) for (let o = from; o < to; o++) if (bits[o >> 3]! & (1 << (o & 7))) return true;
      return false;
    });
  const markFinalized = (addr: bigint, n: number): void => {
    byPage(addr, n, (page, from, to) => {
      let bits = finalized.get(page);
      if (!bits) finalized.set(page, (bits = new Uint8Array(PAGE_SIZE / 8)));
      for (let o = from; o < to; o++) bits[o >> 3]! |= 1 << (o & 7);
    });
  };
  const log = trace.writes;
  const verdicts: Verdict[] = [];
  const m: Metrics = {
    steps: trace.steps.length,
    rwxWindows: [],
    pagesWritableAfterExec: 0,
    setMemory: {},
    tlbFlushes: { flush_tlb_one_kernel: 0, flush_tlb_all: 0 },
    textPokes: 0,
    textPokeSyncs: 0,
    faults: 0,
  };
  let window: Metrics['rwxWindows'][number] | undefined;

  const flag = (step: Step, kind: VerdictKind, text: string, pages?: bigint[]) =>
    verdicts.push({ step: step.index, kind, text, ...(pages ? { pages } : {}) });

  for (const step of trace.steps) {
    const inFinalize = step.path.includes('module_finalize');
    for (const e of step.events) {
      switch (e.kind) {
        case 'alloc':
          replay.apply(e);
          for (let a = e.region.base; a < e.region.base + BigInt(e.region.size); a += PAGE) {
            everExec.delete(a);
            if (e.perm.exec) everExec.add(a);
          }
          break;
        case 'free':
          replay.apply(e);
          for (let a = e.region.base; a < e.region.base + BigInt(e.region.size); a += PAGE) everExec.delete(a);
          for (const page of finalized.keys())
            if (page >= e.region.base && page < e.region.base + BigInt(e.region.size)) finalized.delete(page);
          break;
        case 'perm':
          replay.apply(e);
          m.setMemory[e.fn] = (m.setMemory[e.fn] ?? 0) + 1;
          if (e.flush !== 'none') m.tlbFlushes[e.flush]++;
          for (const c of e.changed) {
            if (c.to.write && !c.from.write && everExec.has(c.page)) m.pagesWritableAfterExec++;
            if (c.to.exec) everExec.add(c.page);
          }
          break;
        case 'state':
          states.set(e.module, e.to);
          break;
        case 'sync':
          m.textPokeSyncs++;
          break;
        case 'fault':
          m.faults++;
          flag(step, 'fault', `${e.path} into a non-writable page at ${e.addr.toString(16)}: ${e.oops[0]}`, [
            pageOf(e.addr),
          ]);
          break;
        case 'writes':
          for (let i = e.from; i < e.from + e.count; i++) {
            const path = WRITE_PATHS[log.path[i]!]!;
            const addr = log.addr[i]!;
            const n = log.size[i]!;
            if (path === 'text_poke') m.textPokes++;
            const page = pageOf(addr);
            if (path !== 'text_poke' && everExec.has(page)) {
              const r = replay.regionOf(page);
              flag(step, 'write-after-exec', `${path} into ${r ? ownerOf(r) : 'a page'} after it became executable`, [
                page,
              ]);
            }
            if (log.relsec[i]! < 0) {
              if (inFinalize) markFinalized(addr, n);
              continue;
            }
            const rel = log.strings[log.relsecName[i]!]!;
            const klp = rel.startsWith('.klp.rela.') ? rel.slice(10).split('.')[0] : undefined;
            if (klp && klp !== 'vmlinux' && !['COMING', 'LIVE'].includes(states.get(klp) ?? ''))
              flag(step, 'klp-rela-absent', `${rel} applied while ${klp} is not loaded`);
            if (finalized.size && isFinalized(addr, n))
              flag(
                step,
                'reloc-after-finalize',
                `${rel}[${log.entry[i]}] overwrites code module_finalize already rewrote`,
              );
            if (inFinalize) markFinalized(addr, n);
          }
          break;
        default:
          break;
      }
    }
    // in allocation order, then by address
    const rwx: bigint[] = [];
    const owners = new Set<string>();
    for (const r of replay.live) {
      const codes = replay.pagesOf(r.id);
      for (let i = codes.indexOf(PermCode.RWX); i >= 0; i = codes.indexOf(PermCode.RWX, i + 1)) {
        rwx.push(r.region.base + BigInt(i * PAGE_SIZE));
        owners.add(ownerOf(r));
      }
    }
    if (rwx.length) {
      flag(step, 'rwx', `${rwx.length} page(s) writable and executable: ${[...owners].join(', ')}`, rwx);
      if (window && window.to === step.index - 1) {
        window.to = step.index;
        window.maxPages = Math.max(window.maxPages, rwx.length);
      } else
        m.rwxWindows.push(
          (window = {
            from: step.index,
            to: step.index,
            maxPages: rwx.length,
            ftrace: step.path.some((f) => FTRACE_WINDOW_OPENERS.has(f)),
          }),
        );
    }
  }
  const byStep = new Map<number, VerdictKind[]>();
  for (const v of verdicts) byStep.set(v.step, [...(byStep.get(v.step) ?? []), v.kind]);
  return { verdicts, metrics: m, byStep };
}
