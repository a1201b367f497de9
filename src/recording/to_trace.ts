// A Recording becomes a Trace: what a real kernel did, in the steps the emulator takes for the same
// work, so the page map, the memory map, the timeline and the narration read it as they read an
// emulated trace. Steps go per operation (one per insmod / rmmod syscall, from its sys_enter event),
// then per kernel function, with the emulator's call paths (kernel/module/main.c, arch/x86/kernel/
// module.c, kernel/livepatch/{core,patch,transition}.c, kernel/trace/ftrace.c of the recorded
// version) so that the narration of src/trace/why.ts and the aligner of src/trace/align.ts find the
// same function names. Where the recording cannot say a thing, the step says so instead:
//  - regions are the allocations (module_alloc / execmem_alloc) with their real addresses; a page
//    starts RW+NX as vmalloc hands it out (PAGE_KERNEL) and each set_memory_* call changes it;
//  - a write is a text poke with its address and length: the probes never fetch the bytes
//    (Trace.recorded says so; old and new are zeros); plain stores (memcpy of relocations while a
//    module loads) are not probed at all, so they are not in the trace;
//  - module states are inferred from the functions seen (complete_formation's module_enable_*
//    → COMING, do_init_module's after_init call → LIVE, free_module → GONE).
// Pure: no DOM, no Node.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { force_flush_all, type TlbRule } from '../kernel/mm/set_memory.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import type { KernelEvent, ModuleState, PagePerm, RecordedOp, Region, Step, Trace, WritePath } from '../trace/types.ts';
import type { Allocation, Recording, RecordingEvent, SetMemoryFn, TextPokeFn } from './types.ts';

type Ev<K extends RecordingEvent['kind']> = Extract<RecordingEvent, { kind: K }>;

/** What a set_memory_* call does to one page (arch/x86/mm/pat/set_memory.c). */
const APPLY: Record<SetMemoryFn, (p: PagePerm) => PagePerm> = {
  set_memory_ro: (p) => ({ ...p, write: false }),
  set_memory_rw: (p) => ({ ...p, write: true }),
  set_memory_x: (p) => ({ ...p, exec: true }),
  set_memory_nx: (p) => ({ ...p, exec: false }),
  set_memory_rox: () => ({ write: false, exec: true }),
};
/** cpa_flush(): page by page up to tlb_single_page_flush_ceiling, else flush_tlb_all(). */
const TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

const WRITE_PATH: Record<TextPokeFn, WritePath> = {
  text_poke: 'text_poke',
  text_poke_copy: 'text_poke',
  text_poke_copy_locked: 'text_poke',
  text_poke_set: 'text_poke',
  text_poke_bp: 'text_poke',
  text_poke_queue: 'text_poke',
  text_poke_early: 'text_poke_early',
};

/** The kernel logs no level in the console tracepoint: the refusals are told by their words. */
function printkLevel(text: string): 'err' | 'warn' | 'info' {
  if (/taint/.test(text)) return 'warn';
  if (/Skipping invalid|failed|refusing|[Uu]nknown symbol|disagrees about|Invalid|cannot|not allowed|error/.test(text))
    return 'err';
  return 'info';
}

/** complete_formation()'s calls (≤ 6.8: module_enable_ro/nx/x; 6.9+: rodata_ro, data_nx, text_rox). */
const FORMATION_CALLS = new Set([
  'module_enable_ro',
  'module_enable_nx',
  'module_enable_x',
  'module_enable_text_rox',
  'module_enable_rodata_ro',
  'module_enable_data_nx',
]);

interface Task {
  op: RecordedOp | null;
  /** 'load_module' or 'delete_module' while a syscall runs */
  base: string[];
  /** the module the syscall loads or removes, once an event names it */
  module: string | null;
  /** path of the livepatch work under way (klp_enable_patch, klp_module_coming, klp_module_going) */
  lp: string[] | null;
  /** path of klp_init_object_loaded / klp_patch_object / klp_unpatch_object under way */
  object: string[] | null;
  /** text_poke_queue calls since the last text_poke_finish */
  queued: number;
  step: Step | null;
  key: string;
}

class Builder {
  private readonly rec: TraceRecorder;
  private readonly tasks = new Map<number, Task>();
  private readonly regions = new Map<number, Region>();
  private readonly vmlinuxPages = new Map<bigint, Region>();
  /** PTE permission of each page of a live allocation, by page address */
  private readonly pages = new Map<bigint, PagePerm>();
  private readonly states = new Map<string, ModuleState>();
  private readonly trampolineFor = new Map<number, string>();
  readonly ops: RecordedOp[] = [];
  private last: Step | null = null;

  private readonly tlbRule: TlbRule;

  constructor(
    private readonly recording: Recording,
    private readonly sectionName: (module: string, index: number) => string | undefined,
  ) {
    const v = recording.kernel.version;
    // cpa_flush()'s rule of the recorded version (KernelProfile.moduleTlbFlush): the kernel
    // logs no flush, so the kind is the one its source makes
    this.tlbRule =
      v.major < 5 || (v.major === 5 && v.minor < 8)
        ? 'per-page'
        : (v.major === 6 && v.minor <= 1) || v.major === 5
          ? 'all-for-ro-rw'
          : 'all';
    this.rec = new TraceRecorder(`v${v.major}.${v.minor}.${v.patch} (${recording.kernel.release}, recorded)`);
    this.nameTrampolines();
  }

  get trace(): Trace {
    return this.rec.trace;
  }

  private task(pid: number): Task {
    let t = this.tasks.get(pid);
    if (!t)
      this.tasks.set(
        pid,
        (t = { op: null, base: [], module: null, lp: null, object: null, queued: 0, step: null, key: '' }),
      );
    return t;
  }

  /** The task's step at `path` (and `key`): the one open if it is the trace's last, else a new one. */
  private at(t: Task, path: string[], title: string, module: string | null | undefined, key = ''): Step {
    const k = `${path.join('>')}#${key}`;
    if (t.step && t.step === this.last && t.key === k) return t.step;
    const step = this.rec.step(title, module ? { module } : {});
    step.path = path;
    t.step = step;
    t.key = k;
    this.last = step;
    return step;
  }

  /** Events with no step of their own (a message, a sync) go to the task's last step, if still the trace's last. */
  private here(t: Task, pid: number, e: RecordingEvent): Step {
    if (t.step && t.step === this.last) return t.step;
    return this.at(t, [...t.base, fnOf(e)], `${fnOf(e)} (${e.task}-${pid})`, t.module);
  }

  /** Events go to the step last opened, which `at()` and `here()` return. */
  private emit(_step: Step, e: KernelEvent): void {
    this.rec.emit(e);
  }

  private state(step: Step, module: string, to: ModuleState): void {
    const from = this.states.get(module) ?? 'GONE';
    if (from === to) return;
    this.states.set(module, to);
    this.emit(step, { kind: 'state', module, from, to });
  }

  /** A trampoline serves the function whose call site its ops' first text_poke_queue rewrites. */
  private nameTrampolines(): void {
    const pending = new Map<number, number>();
    for (const e of this.recording.events) {
      if (e.kind === 'alloc') {
        const a = this.recording.allocations[e.allocation];
        if (a?.purpose === 'ftrace-trampoline') pending.set(e.pid, a.id);
      } else if (e.kind === 'text-poke' && e.fn === 'text_poke_queue') {
        const id = pending.get(e.pid);
        if (id === undefined) continue;
        pending.delete(e.pid);
        this.trampolineFor.set(id, this.symbolic(e.addr, e.place));
      }
    }
  }

  /** "klp_demo_target:klp_demo_greeting" from the recording's kallsyms, else module+offset or the address. */
  private symbolic(addr: bigint, place: Ev<'text-poke'>['place']): string {
    const owner = place.kind === 'allocation' || place.kind === 'module' ? place.module : null;
    // a livepatch's .klp.sym entries carry the address of what they name: the owner's own line is
    // the one; an fentry site is the function's start, or 4 bytes in after an ENDBR64
    let sym: { name: string; module: string; addr: bigint } | undefined;
    for (const k of this.recording.kallsyms)
      if (k.addr <= addr && addr - k.addr < 16n && (!owner || k.module === owner) && (!sym || k.addr > sym.addr))
        sym = k;
    if (sym) return `${sym.module}:${sym.name}${sym.addr === addr ? '' : `+0x${(addr - sym.addr).toString(16)}`}`;
    if (place.kind === 'allocation' && place.module) return `${place.module}+0x${place.offset.toString(16)}`;
    if (place.kind === 'module') return `${place.module}+0x${place.offset.toString(16)}`;
    return `${place.kind === 'vmlinux' ? 'vmlinux ' : ''}${addr.toString(16)}`;
  }

  private region(a: Allocation): Region | undefined {
    if (a.addr === null) return undefined;
    let r = this.regions.get(a.id);
    if (r) return r;
    const name =
      a.purpose === 'module'
        ? { module: a.module ?? '(module)', name: a.region ?? 'memory' }
        : a.purpose === 'ftrace-trampoline'
          ? { module: 'ftrace', name: `trampoline ${this.trampolineFor.get(a.id) ?? `#${a.id}`}` }
          : { module: a.purpose, name: `${a.fn} #${a.id}` };
    r = { ...name, base: a.addr, size: a.size };
    this.regions.set(a.id, r);
    return r;
  }

  run(): Trace {
    for (const e of this.recording.events) this.event(e);
    // an insmod's title names its module once an event has named it
    for (const op of this.ops) {
      const s = this.trace.steps[op.step]!;
      const m = op.module || '(a module)';
      s.title = `${op.op === 'insmod' ? `insmod ${m}.ko` : `${op.op} ${m}`}${s.title}`;
      if (op.module) s.module = op.module;
    }
    const v = this.recording.kernel.version;
    this.trace.recorded = {
      release: this.recording.kernel.release,
      version: `${v.major}.${v.minor}.${v.patch}`,
      command: this.recording.capture.command,
      ops: this.ops,
    };
    return this.trace;
  }

  private named(t: Task, module: string | null | undefined): void {
    if (!module || t.module) return;
    t.module = module;
    if (t.op && !t.op.module) t.op.module = module;
  }

  private event(e: RecordingEvent): void {
    const t = this.task(e.pid);
    switch (e.kind) {
      case 'syscall-enter': {
        const op: RecordedOp = {
          op: e.call === 'delete_module' ? 'rmmod' : 'insmod',
          module: '',
          step: this.trace.steps.length,
          ok: true,
        };
        Object.assign(t, { op, base: [e.call === 'delete_module' ? 'delete_module' : 'load_module'], module: null });
        Object.assign(t, { lp: null, object: null });
        this.ops.push(op);
        this.at(t, [e.call], ` (${e.call}, ${e.task}-${e.pid})`, null);
        return;
      }
      case 'syscall-exit': {
        if (!t.op) return;
        t.op.ok = e.ret >= 0;
        if (e.errno) t.op.errno = e.errno;
        if (t.module && !t.op.ok && t.op.op === 'insmod') this.state(this.here(t, e.pid, e), t.module, 'GONE');
        Object.assign(t, { op: null, base: [], module: null, lp: null, object: null });
        return;
      }
      case 'alloc':
        this.alloc(t, e);
        return;
      case 'free':
        this.free(t, e);
        return;
      case 'set-memory':
        this.setMemory(t, e);
        return;
      case 'module-call':
        this.moduleCall(t, e);
        return;
      case 'relocation':
        this.relocation(t, e);
        return;
      case 'livepatch':
        this.livepatch(t, e);
        return;
      case 'text-poke':
        this.textPoke(t, e);
        return;
      case 'text-sync': {
        if (e.fn === 'text_poke_finish') {
          if (!t.queued) return; // nothing queued: the batch is empty
          t.queued = 0;
          this.emit(this.here(t, e.pid, e), {
            kind: 'sync',
            fn: 'text_poke_sync',
            why: 'text_poke_finish(): the queued sites written (int3, tail, first byte; its syncs are not probed)',
          });
          return;
        }
        this.emit(this.here(t, e.pid, e), { kind: 'sync', fn: 'text_poke_sync', why: 'text_poke_sync()' });
        return;
      }
      case 'printk': {
        if (t.op && !t.op.message && printkLevel(e.text) === 'err') t.op.message = e.text;
        this.emit(this.here(t, e.pid, e), { kind: 'printk', level: printkLevel(e.text), text: e.text });
        return;
      }
      case 'module-free': {
        const step = this.at(t, [...t.base, 'free_module'], `free_module(${e.module})`, e.module);
        this.named(t, e.module);
        this.state(step, e.module, 'GONE');
        return;
      }
      case 'module-load':
        this.named(t, e.module);
        return;
      default:
        return; // markers, ftrace-trampoline (refused everywhere so far), a user's own probes
    }
  }

  private alloc(t: Task, e: Ev<'alloc'>): void {
    const a = this.recording.allocations[e.allocation];
    if (!a) return;
    const r = this.region(a);
    const bytes = `${a.size} bytes${a.addr === null ? ', address not recorded' : ` at ${a.addr.toString(16)}`}`;
    let step: Step;
    if (a.purpose === 'module') {
      this.named(t, a.module);
      step = this.at(
        t,
        [...(t.base.length ? t.base : ['load_module']), 'layout_and_allocate', 'move_module'],
        '',
        a.module,
        a.module ?? '',
      );
      const regions = [...step.events.flatMap((x) => (x.kind === 'alloc' ? [x.region.name] : [])), a.region ?? '?'];
      step.title = `${a.fn}() ×${regions.length} for ${a.module ?? 'a module'}: ${regions.join(', ')}`;
    } else if (a.purpose === 'ftrace-trampoline') {
      const path = [...(t.object ?? t.lp ?? t.base), 'klp_patch_func', 'register_ftrace_function', 'create_trampoline'];
      step = this.at(
        t,
        path,
        `ftrace: a trampoline for ${this.trampolineFor.get(a.id) ?? 'an ftrace_ops'}`,
        null,
        `${a.id}`,
      );
    } else {
      step = this.at(t, [...t.base, a.fn], `${a.fn}() for ${a.purpose}: ${bytes}`, null, `${a.id}`);
    }
    if (!r) return;
    for (let i = 0; i < Math.ceil(a.size / PAGE_SIZE); i++)
      this.pages.set(r.base + BigInt(i * PAGE_SIZE), { write: true, exec: false });
    this.emit(step, { kind: 'alloc', region: r, perm: { write: true, exec: false }, caller: a.fn });
    if (a.purpose === 'module' && a.module) this.state(step, a.module, 'UNFORMED');
  }

  private free(t: Task, e: Ev<'free'>): void {
    if (e.allocation === null) return; // module_memfree(NULL): an absent region
    const a = this.recording.allocations[e.allocation];
    const r = a && this.regions.get(a.id);
    if (!a || !r) return;
    const stack = e.stack ?? [];
    let step: Step;
    if (stack.includes('do_free_init')) {
      step = this.at(t, ['process_one_work', 'do_free_init'], '', a.module);
      step.title = `${a.module}'s init memory freed (${e.task}-${e.pid})`;
      if (a.module) step.module = a.module;
    } else if (stack.includes('arch_ftrace_trampoline_free')) {
      const path = [...(t.object ?? t.lp ?? t.base), 'unregister_ftrace_function', 'arch_ftrace_trampoline_free'];
      step = this.at(
        t,
        path,
        `ftrace: free the trampoline for ${this.trampolineFor.get(a.id) ?? 'an ftrace_ops'}`,
        null,
      );
    } else if (t.op?.op === 'insmod') {
      step = this.at(t, ['load_module', 'module_deallocate'], `load failed: ${a.module}'s memory freed`, a.module);
    } else {
      step = this.at(t, [...t.base, 'free_module'], `free_module(${a.module ?? ''})`, a.module);
    }
    for (let i = 0; i < Math.ceil(a.size / PAGE_SIZE); i++) this.pages.delete(r.base + BigInt(i * PAGE_SIZE));
    this.emit(step, { kind: 'free', region: r, caller: e.fn });
  }

  private setMemory(t: Task, e: Ev<'set-memory'>): void {
    const caller = e.meaning.caller ?? 'set_memory';
    let step: Step;
    if (t.step && t.step === this.last && t.step.path.at(-1) === caller) step = t.step;
    else if (
      caller === 'arch_ftrace_update_trampoline' &&
      t.step === this.last &&
      t.step?.path.at(-1) === 'create_trampoline'
    )
      step = t.step;
    else step = this.at(t, [...t.base, caller], `set_memory_*() from ${caller}()`, t.module);
    const changed: Array<{ page: bigint; from: PagePerm; to: PagePerm }> = [];
    for (let i = 0; i < e.pages; i++) {
      const page = e.addr + BigInt(i * PAGE_SIZE);
      const from = this.pages.get(page);
      if (!from) continue;
      const to = APPLY[e.fn](from);
      if (to.write !== from.write || to.exec !== from.exec) {
        this.pages.set(page, to);
        changed.push({ page, from, to });
      }
    }
    const flush =
      changed.length === 0
        ? 'none'
        : force_flush_all(this.tlbRule, e.fn) || e.pages > TLB_SINGLE_PAGE_FLUSH_CEILING
          ? 'flush_tlb_all'
          : 'flush_tlb_one_kernel';
    this.emit(step, { kind: 'perm', fn: e.fn, addr: e.addr, pages: e.pages, changed, flush });
  }

  private moduleCall(t: Task, e: Ev<'module-call'>): void {
    this.named(t, e.module);
    const m = e.module ?? t.module;
    if (FORMATION_CALLS.has(e.fn)) {
      if (e.afterInit) {
        const live = this.at(t, ['load_module', 'do_init_module'], 'LIVE', m);
        if (m) this.state(live, m, 'LIVE');
        this.at(t, ['load_module', 'do_init_module', e.fn], `${e.fn}(${m}, after_init=1)`, m);
        return;
      }
      const after = e.afterInit === false ? ', after_init=0' : '';
      this.at(t, ['load_module', 'complete_formation', e.fn], `${e.fn}(${m}${after})`, m);
      if (m && (e.fn === 'module_enable_x' || e.fn === 'module_enable_text_rox')) this.coming = m;
      return;
    }
    this.comingDone(t);
    switch (e.fn) {
      case 'module_finalize':
        this.at(t, ['load_module', 'post_relocation', 'module_finalize'], `module_finalize(${m})`, m);
        return;
      case 'do_init_module':
        this.at(t, ['load_module', 'do_init_module', 'do_one_initcall'], `${m}'s init function runs`, m);
        t.lp = null;
        return;
      case 'do_free_init':
        this.at(
          t,
          ['process_one_work', 'do_free_init'],
          `do_free_init() (${e.task}-${e.pid}) waits for an RCU grace period, then frees init memory`,
          null,
        );
        return;
      case 'free_module':
        this.at(t, [...(t.base.length ? t.base : ['delete_module']), 'free_module'], `free_module(${m})`, m);
        return;
      default:
        this.at(t, [...t.base, e.fn], `${e.fn}(${m ?? ''})`, m);
    }
  }

  /** complete_formation() ends with the module COMING: said once its last module_enable_* call is done. */
  private coming: string | null = null;
  private comingDone(t: Task): void {
    if (!this.coming) return;
    const m = this.coming;
    this.coming = null;
    const step = this.at(t, ['load_module', 'complete_formation'], 'COMING: kallsyms sees the module', m);
    this.state(step, m, 'COMING');
  }

  private relocation(t: Task, e: Ev<'relocation'>): void {
    this.comingDone(t);
    const m = e.module ?? t.module ?? '';
    const sec = e.section === null ? '' : (this.sectionName(m, e.section) ?? `section ${e.section}`);
    const key = `${m}:${e.section}`;
    // the inner calls of a .klp.rela section join its step
    if (
      (e.fn === 'apply_relocate_add' ||
        e.fn === 'clear_relocate_add' ||
        e.fn === 'klp_write_section_relocs' ||
        e.fn === 'klp_apply_section_relocs') &&
      t.step === this.last &&
      t.key.endsWith(`#${key}`) &&
      /klp_|clear_relocate_add/.test(t.step?.path.at(-1) ?? '')
    ) {
      if ((e.fn === 'apply_relocate_add' || e.fn === 'clear_relocate_add') && t.step)
        t.step.title = t.step.title.replace(': not for this object', ` → ${e.fn}()`);
      return;
    }
    if (e.fn === 'apply_relocate_add' && !t.object) {
      const p = ['load_module', 'apply_relocations', 'apply_relocate_add'];
      this.at(t, p, `apply_relocate_add(${m}, ${sec})`, m, key);
      return;
    }
    const what = 'not for this object';
    const obj = e.object ?? (t.object ? undefined : 'vmlinux');
    const title = `${e.fn}(${m}, ${sec}${obj ? `, ${obj}` : ''}${e.apply ? '' : ', clear'}): ${what}`;
    if (!e.apply) {
      const path = [...(t.lp ?? t.base), 'klp_clear_object_relocs', e.fn];
      this.at(t, path, title, m, key);
    } else if (t.object) this.at(t, [...t.object, 'klp_apply_object_relocs', e.fn], title, m, key);
    else this.at(t, ['load_module', 'apply_relocations', e.fn], title, m, key);
  }

  private livepatch(t: Task, e: Ev<'livepatch'>): void {
    this.comingDone(t);
    if (e.fn === 'klp_init_transition' && e.state === 0 && !t.op) {
      // no syscall around it: a write to /sys/kernel/livepatch/P/enabled (enabled_store())
      const op: RecordedOp = { op: 'disable', module: e.patch ?? '', step: this.trace.steps.length, ok: true };
      this.ops.push(op);
      Object.assign(t, { op, base: ['enabled_store'], module: e.patch, object: null });
      t.lp = ['enabled_store', '__klp_disable_patch'];
      this.at(t, ['enabled_store'], ` (${e.task}-${e.pid} writes 0 to enabled)`, e.patch);
    }
    const base = t.base.length ? t.base : ['klp_transition_work_fn'];
    switch (e.fn) {
      case 'klp_enable_patch': {
        const p = ['load_module', 'do_init_module', 'do_one_initcall', 'klp_enable_patch'];
        this.at(t, p, `klp_enable_patch(${e.patch})`, e.patch);
        t.lp = [...p, '__klp_enable_patch'];
        t.object = null;
        return;
      }
      case 'klp_module_coming': {
        const p = ['load_module', 'prepare_coming_module', 'klp_module_coming'];
        this.at(t, p, `klp_module_coming(${e.module})`, e.module);
        t.lp = p;
        t.object = null;
        return;
      }
      case 'klp_module_going': {
        const p = [...base, 'klp_module_going'];
        const step = this.at(t, p, `klp_module_going(${e.module})`, e.module);
        if (e.module && t.op?.op === 'rmmod') this.state(step, e.module, 'GOING');
        t.lp = p;
        t.object = null;
        return;
      }
      case 'klp_init_object_loaded': {
        const at = t.lp?.at(-1) === '__klp_enable_patch' ? t.lp.slice(0, -1) : (t.lp ?? base);
        const p = [...at, 'klp_init_object_loaded'];
        this.at(t, p, `klp_init_object_loaded(${e.patch}, ${e.object ?? 'vmlinux'})`, e.patch);
        t.object = p;
        return;
      }
      case 'klp_patch_object':
      case 'klp_unpatch_object': {
        const p = [...(t.lp ?? base), e.fn];
        this.at(t, p, `${e.fn}(${e.object ?? 'vmlinux'})`, null, e.object ?? 'vmlinux');
        t.object = p;
        return;
      }
      case 'klp_complete_transition':
        this.at(t, [...(t.lp ?? base), 'klp_try_complete_transition', e.fn], `${e.fn}()`, null);
        return;
      default: {
        const state = e.state === null ? '' : e.state === 1 ? ', patching' : ', unpatching';
        this.at(t, [...(t.lp ?? base), e.fn], `${e.fn}(${e.patch ?? ''}${state})`, e.patch);
        t.object = null;
      }
    }
  }

  private textPoke(t: Task, e: Ev<'text-poke'>): void {
    this.comingDone(t);
    const path = WRITE_PATH[e.fn];
    let step: Step;
    if (e.fn === 'text_poke_queue') {
      t.queued++;
      const where = this.symbolic(e.addr, e.place);
      const p = [
        ...(t.object ?? t.lp ?? t.base),
        ...(t.object?.at(-1) === 'klp_unpatch_object'
          ? ['unregister_ftrace_function']
          : ['klp_patch_func', 'register_ftrace_function']),
        'ftrace_replace_code',
      ];
      step = this.at(t, p, `ftrace: ${where}'s fentry site rewritten (text_poke_queue)`, null, `${e.addr}`);
    } else if (t.step === this.last && t.step) step = t.step;
    else step = this.at(t, [...t.base, e.fn], `${e.fn}(${this.symbolic(e.addr, e.place)}, ${e.len})`, t.module);
    if (e.place.kind === 'vmlinux') this.vmlinuxPage(step, e.addr);
    this.rec.write(
      e.addr,
      undefined,
      0,
      new Uint8Array(e.len),
      path,
      undefined,
      `${e.fn}, ${e.len} bytes (bytes not recorded)`,
    );
  }

  /** As the emulator shows a vmlinux page once a livepatch touches it: mapped r-x at boot. */
  private vmlinuxPage(step: Step, addr: bigint): void {
    const base = addr & ~BigInt(PAGE_SIZE - 1);
    if (this.vmlinuxPages.has(base)) return;
    const region: Region = { module: 'vmlinux', name: `text @${base.toString(16)}`, base, size: PAGE_SIZE };
    this.vmlinuxPages.set(base, region);
    this.emit(step, {
      kind: 'alloc',
      region,
      perm: { write: false, exec: true },
      caller: 'vmlinux text, mapped at boot (only the pages the recording wrote are shown)',
    });
  }
}

const fnOf = (e: RecordingEvent): string => ('fn' in e ? e.fn : e.kind);

/**
 * The recording as a Trace (see the file's header). `sectionName` names a module's relocation
 * sections when its .ko is at hand (the recording has their indices only).
 */
export function recordingToTrace(
  recording: Recording,
  sectionName: (module: string, index: number) => string | undefined = () => undefined,
): Trace {
  return new Builder(recording, sectionName).run();
}
