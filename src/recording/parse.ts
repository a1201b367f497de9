// Reads a klp-capture recording (capture/README.md has the format) into a Recording. Three passes
// over the file's lines, each linear: (1) the sections of the file and the trace's lines into raw
// events, each with the kernel stack its probe recorded; (2) allocations, which module each belongs
// to and where each address lands at the moment of each event; (3) region names and the one-line
// meaning of every set_memory_* call. Any problem with the file is a RecordingError naming the line:
// the parser throws nothing else (a last-resort catch turns an unexpected error into one).
import type {
  Allocation,
  AllocationPurpose,
  KallsymsLine,
  KernelVersion,
  LivepatchFn,
  MemoryMeaning,
  ModuleCallFn,
  ModuleSections,
  Place,
  ProbeStatus,
  ProcModule,
  Recording,
  RecordingCapture,
  RecordingConfig,
  RecordingEvent,
  RecordingKernel,
  RecordingWarning,
  RelocationFn,
  SetMemoryFn,
  SyscallName,
  TextPokeFn,
  VmallocArea,
} from './types.ts';

/** What is wrong with a recording, and on which line (1-based). */
export class RecordingError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'RecordingError';
    this.line = line;
    this.reason = reason;
  }
}

/** The file format this parser reads (the "@@ klp-capture N" line). */
export const RECORDING_FORMAT = 1;
/** Longer lines are not a recording's: the longest real ones (a kernel message, a command) are far shorter. */
export const MAX_LINE_LENGTH = 65536;
/** Allocations tracked at once; a real recording has tens. Bounds the work on hostile input. */
const MAX_LIVE_ALLOCATIONS = 4096;

export function parseRecording(text: string): Recording {
  let p: Parser | null = null;
  try {
    p = new Parser(text);
    return p.run();
  } catch (e) {
    if (e instanceof RecordingError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new RecordingError(p ? p.lineNo() : 1, `cannot be read (${why})`);
  }
}

// ---------------------------------------------------------------------------------------------
// small readers

const HEX64 = /^0x[0-9a-fA-F]{1,16}$/;
const BARE_HEX64 = /^[0-9a-fA-F]{1,16}$/;
const DEC = /^-?[0-9]{1,19}$/;
const MODULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function hex(s: string): bigint | null {
  return HEX64.test(s) ? BigInt(s) : null;
}
function dec(s: string): number | null {
  return DEC.test(s) ? Number(s) : null;
}
/** A 64-bit register value as the signed long it is (a syscall's return). */
function signed64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  4: 'EINTR',
  5: 'EIO',
  6: 'ENXIO',
  7: 'E2BIG',
  8: 'ENOEXEC',
  9: 'EBADF',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  17: 'EEXIST',
  19: 'ENODEV',
  22: 'EINVAL',
  27: 'EFBIG',
  28: 'ENOSPC',
  34: 'ERANGE',
  38: 'ENOSYS',
  61: 'ENODATA',
  74: 'EBADMSG',
  75: 'EOVERFLOW',
  95: 'EOPNOTSUPP',
  110: 'ETIMEDOUT',
  126: 'ENOKEY',
  127: 'EKEYEXPIRED',
  128: 'EKEYREVOKED',
  129: 'EKEYREJECTED',
};

const SET_MEMORY: ReadonlySet<string> = new Set([
  'set_memory_ro',
  'set_memory_rw',
  'set_memory_x',
  'set_memory_nx',
  'set_memory_rox',
]);
const TEXT_POKE: ReadonlySet<string> = new Set([
  'text_poke',
  'text_poke_copy',
  'text_poke_copy_locked',
  'text_poke_set',
  'text_poke_early',
  'text_poke_bp',
  'text_poke_queue',
]);
const MODULE_CALL: ReadonlySet<string> = new Set([
  'module_enable_ro',
  'module_enable_nx',
  'module_enable_x',
  'module_enable_text_rox',
  'module_enable_rodata_ro',
  'module_enable_data_nx',
  'module_finalize',
  'ftrace_module_init',
  'ftrace_module_enable',
  'ftrace_release_mod',
  'do_init_module',
  'do_free_init',
  'free_module',
]);
const ENABLE_FNS: ReadonlySet<string> = new Set([
  'module_enable_ro',
  'module_enable_nx',
  'module_enable_x',
  'module_enable_text_rox',
  'module_enable_rodata_ro',
  'module_enable_data_nx',
]);
const RELOCATION: ReadonlySet<string> = new Set([
  'apply_relocate_add',
  'clear_relocate_add',
  'klp_write_object_relocations',
  'klp_apply_section_relocs',
  'klp_write_section_relocs',
]);
const LIVEPATCH: ReadonlySet<string> = new Set([
  'klp_enable_patch',
  'klp_module_coming',
  'klp_module_going',
  'klp_init_object_loaded',
  'klp_apply_object_relocs',
  'klp_clear_object_relocs',
  'klp_patch_object',
  'klp_unpatch_object',
  'klp_init_transition',
  'klp_start_transition',
  'klp_try_complete_transition',
  'klp_complete_transition',
  'sched_dynamic_klp_enable',
  'sched_dynamic_klp_disable',
]);
const SYSCALLS: ReadonlySet<string> = new Set(['finit_module', 'init_module', 'delete_module']);

/** The blocks of a recording, in the order klp-capture writes them (sections: one per new module). */
const BLOCKS = [
  'config',
  'trace',
  'modules-before',
  'modules',
  'sections',
  'kallsyms',
  'livepatch',
  'vmallocinfo',
] as const;
type Block = (typeof BLOCKS)[number];

/** An argument value as the trace prints it: a number, a string, or null for a failed fetch "(fault)". */
type ArgValue = { kind: 'num'; v: bigint } | { kind: 'str'; v: string } | { kind: 'fault' };

interface RawEvent {
  line: number;
  time: number;
  task: string;
  pid: number;
  cpu: number;
  name: string;
  /** the probe's row (null: trace_marker, or a syscall event whose probe row is checked by name) */
  probe: ProbeStatus | null;
  body: string;
  args: Map<string, ArgValue>;
  stack: string[] | null;
  /** the raw frames before trimming the probe machinery off */
  frames: string[] | null;
}

// ---------------------------------------------------------------------------------------------

class Parser {
  private readonly lines: string[];
  private i = 0;
  private readonly warnings: RecordingWarning[] = [];

  constructor(text: string) {
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    this.lines = lines;
  }

  /** The 1-based number of the line being read (for errors). */
  lineNo(): number {
    return Math.min(this.i, Math.max(this.lines.length - 1, 0)) + 1;
  }

  private fail(reason: string, line = this.i + 1): never {
    throw new RecordingError(line, reason);
  }

  private warn(message: string, line = this.i + 1) {
    this.warnings.push({ line, message });
  }

  /** The current line, CR stripped and length-checked; null at the end of the file. */
  private peek(): string | null {
    if (this.i >= this.lines.length) return null;
    let l = this.lines[this.i]!;
    if (l.length > MAX_LINE_LENGTH) {
      this.fail(
        `a line of ${l.length} characters: a recording's lines are short (the file is not a recording, or damaged)`,
      );
    }
    if (l.endsWith('\r')) l = l.slice(0, -1);
    return l;
  }

  private truncated(what: string): never {
    const n = this.lines.length;
    if (n === 0) this.fail('the file is empty: not a klp-capture recording', 1);
    this.fail(`the file ends here, ${what}: it is truncated (a recording ends with "@@ end-of-recording")`, n);
  }

  run(): Recording {
    if (this.lines.length === 0) this.fail('the file is empty: not a klp-capture recording', 1);
    const { kernel, capture, probes } = this.header();
    const config = this.config();
    const raw = this.trace(capture, probes);
    const modulesBefore = this.namesBlock();
    const modules = this.modulesBlock();
    const sections: ModuleSections[] = [];
    for (;;) {
      const l = this.peek();
      if (l === null) this.truncated('after the /proc/modules block');
      if (!l.startsWith('@@ begin sections ')) break;
      sections.push(this.sectionsBlock());
    }
    const kallsyms = this.kallsymsBlock();
    const livepatch = this.livepatchBlock();
    const vmalloc = this.vmallocBlock();
    this.end();

    if (capture.stoppedBy) this.warn(`the recording was stopped by SIG${capture.stoppedBy}`, 1);
    const zero = sections.find((s) => s.sections.length > 0 && s.sections.every((x) => x.addr === 0n));
    if (zero)
      this.warn(
        `module ${zero.module}'s section addresses are all 0 (kptr_restrict hides them): ` +
          'regions come from the trace only',
        1,
      );

    const sem = new Semantics(kernel, config, modules, sections, this.warnings);
    const events = sem.run(raw);
    return {
      kernel,
      capture,
      config,
      events,
      allocations: sem.allocations,
      modulesBefore,
      modules,
      sections,
      kallsyms,
      livepatch,
      vmalloc,
      warnings: this.warnings,
    };
  }

  // -------------------------------------------------------------------------------------------
  // header

  private header(): { kernel: RecordingKernel; capture: RecordingCapture; probes: Map<string, ProbeStatus> } {
    // comment lines, then "@@ klp-capture N"
    let l = this.peek();
    while (l?.startsWith('#')) {
      this.i++;
      l = this.peek();
    }
    if (l === null) this.truncated('before its "@@ klp-capture" line');
    const m = /^@@ klp-capture ([0-9]{1,6})$/.exec(l);
    if (!m) this.fail('not a klp-capture recording: it should begin with "@@ klp-capture 1" (after # comments)');
    const format = Number(m[1]);
    if (format !== RECORDING_FORMAT) {
      this.fail(
        `a recording of format ${format}; this klp-lab reads format ${RECORDING_FORMAT} (a newer klp-capture made it?)`,
      );
    }
    this.i++;

    const h = new Map<string, { v: string; line: number }>();
    const probes = new Map<string, ProbeStatus>();
    const once = new Set([
      'kernel',
      'version',
      'machine',
      'date',
      'cmdline',
      'lockdown',
      'kptr_restrict',
      'tainted',
      'tracefs',
      'fetchargs',
      'trace_clock',
      'buffer_size_kb',
      'command',
      'rc',
      'stopped-by',
    ]);
    for (;;) {
      l = this.peek();
      if (l === null) this.truncated('in the header');
      if (l.startsWith('@@ begin ')) break;
      if (!l.startsWith('@@ ')) this.fail(`expected a header line "@@ KEY VALUE", found ${show(l)}`);
      const sp = l.indexOf(' ', 3);
      const key = sp < 0 ? l.slice(3) : l.slice(3, sp);
      const value = sp < 0 ? '' : l.slice(sp + 1);
      if (once.has(key)) {
        if (h.has(key)) this.fail(`a second "@@ ${key}" line (the first is line ${h.get(key)!.line})`);
        h.set(key, { v: value, line: this.i + 1 });
      } else if (key.startsWith('probe')) {
        this.probeLine(key, value, probes);
      } else {
        this.fail(`unknown header line "@@ ${key}"`);
      }
      this.i++;
    }

    const need = (k: string): { v: string; line: number } => {
      const e = h.get(k);
      if (!e) this.fail(`the header has no "@@ ${k}" line`);
      return e;
    };
    const release = need('kernel');
    const banner = need('version');
    const machine = need('machine');
    if (machine.v !== 'x86_64') {
      this.fail(`recorded on ${show(machine.v)}: klp-capture and klp-lab know x86-64 only`, machine.line);
    }
    const version = kernelVersion(release.v, banner.v);
    if (!version)
      this.fail(`kernel release ${show(release.v)} has no version number: not a Linux kernel's`, release.line);
    if (version.major < 4) {
      this.fail(`kernel ${release.v}: klp-lab knows kernels with livepatch (4.0 and later)`, release.line);
    }

    const headerNum = (k: string): number | null => {
      const e = h.get(k);
      if (!e || e.v === '' || e.v === 'unknown') return null;
      const n = dec(e.v);
      if (n === null) this.fail(`"@@ ${k}" wants a number, not ${show(e.v)}`, e.line);
      return n;
    };
    let tainted: RecordingKernel['tainted'] = null;
    const t = h.get('tainted');
    if (t && t.v.trim() !== '') {
      const [a, b] = t.v.split(' ');
      const start = dec(a ?? '');
      const end = dec(b ?? '');
      if (start === null || end === null) this.fail(`"@@ tainted" wants two numbers, not ${show(t.v)}`, t.line);
      tainted = { start, end };
    }
    const lock = h.get('lockdown')?.v ?? '';
    const sel = /\[([a-z]+)\]/.exec(lock);
    const kernel: RecordingKernel = {
      release: release.v,
      version,
      banner: banner.v,
      machine: machine.v,
      cmdline: h.get('cmdline')?.v ?? '',
      lockdown: sel ? sel[1]! : null,
      kptrRestrict: headerNum('kptr_restrict'),
      tainted,
    };

    const fa = h.get('fetchargs');
    if (fa && fa.v !== 'argN' && fa.v !== 'registers')
      this.fail(`"@@ fetchargs" is argN or registers, not ${show(fa.v)}`, fa.line);
    const tracefs = h.get('tracefs')?.v ?? '';
    const stopped = h.get('stopped-by')?.v ?? null;
    if (stopped !== null && !/^[A-Z]{2,8}$/.test(stopped))
      this.fail(`"@@ stopped-by" names a signal, not ${show(stopped)}`);
    const command = h.get('command');
    const capture: RecordingCapture = {
      format,
      date: h.get('date')?.v ?? '',
      command: command && command.v !== '' ? command.v : null,
      rc: headerNum('rc'),
      stoppedBy: stopped,
      tracefs: tracefs.replace(/ mounted-by-klp-capture$/, ''),
      mountedTracefs: tracefs.endsWith(' mounted-by-klp-capture'),
      fetchArgs: fa?.v === 'registers' ? 'registers' : 'argN',
      traceClock: h.get('trace_clock')?.v ?? 'unknown',
      bufferSizeKb: headerNum('buffer_size_kb'),
      probes: [...probes.values()],
      entries: null,
    };
    return { kernel, capture, probes };
  }

  private probeLine(key: string, value: string, probes: Map<string, ProbeStatus>) {
    const blank = (event: string): ProbeStatus => ({
      event,
      status: 'ok',
      kind: null,
      target: null,
      args: [],
      filter: null,
      noStack: false,
      reason: null,
    });
    const eventName = /^[A-Za-z0-9_]{1,64}$/;
    if (key === 'probe') {
      // "@@ probe EVENT KIND TARGET [NAME=SPEC ...]"
      const f = value.split(' ');
      const [event, kind, target] = f;
      if (!event || !eventName.test(event) || (kind !== 'p' && kind !== 'r' && kind !== 't') || !target) {
        this.fail(`"@@ probe" wants EVENT KIND TARGET [ARGS], not ${show(value)}`);
      }
      if (probes.has(event)) this.fail(`probe ${event} is set up twice`);
      const args: ProbeStatus['args'] = [];
      for (const a of f.slice(3)) {
        const eq = a.indexOf('=');
        const colon = a.lastIndexOf(':');
        if (eq <= 0 || colon < eq) this.fail(`probe ${event}: fetch argument ${show(a)} is not NAME=SPEC:TYPE`);
        args.push({ name: a.slice(0, eq), spec: a.slice(eq + 1), type: a.slice(colon + 1) });
      }
      probes.set(event, { ...blank(event), kind, target, args });
      return;
    }
    const colon = value.indexOf(': ');
    if (key === 'probe-refused' || key === 'probe-skipped') {
      const event = colon < 0 ? value : value.slice(0, colon);
      if (!eventName.test(event)) this.fail(`"@@ ${key}" wants "EVENT: reason", not ${show(value)}`);
      if (probes.has(event)) this.fail(`probe ${event} is listed twice`);
      probes.set(event, {
        ...blank(event),
        status: key === 'probe-refused' ? 'refused' : 'skipped',
        reason: colon < 0 ? null : value.slice(colon + 2),
      });
      return;
    }
    if (key === 'probe-filter' || key === 'probe-nostack') {
      const sp = value.indexOf(' ');
      const event = sp < 0 ? value : value.slice(0, sp);
      const p = probes.get(event);
      if (p?.status !== 'ok') this.fail(`"@@ ${key}" for ${show(event)}, which is not a probe set up above`);
      if (key === 'probe-filter') p.filter = sp < 0 ? '' : value.slice(sp + 1);
      else p.noStack = true;
      return;
    }
    this.fail(`unknown header line "@@ ${key}"`);
  }

  // -------------------------------------------------------------------------------------------
  // blocks

  /** Expects "@@ begin NAME[ ARG]", returns ARG ('' when none). */
  private begin(name: Block): string {
    const l = this.peek();
    if (l === null) this.truncated(`before its ${name} block`);
    const head = `@@ begin ${name}`;
    if (l !== head && !l.startsWith(`${head} `)) {
      const m = /^@@ begin ([a-z-]+)/.exec(l);
      if (m && (BLOCKS as readonly string[]).includes(m[1]!)) {
        this.fail(`the ${m[1]} block comes before the ${name} block: blocks are out of order (the file was edited?)`);
      }
      this.fail(`expected "${head}", found ${show(l)}`);
    }
    this.i++;
    return l.slice(head.length + 1);
  }

  /** Lines up to "@@ end NAME", each handed to f with its line number. */
  private body(name: Block, f: (l: string, line: number) => void) {
    const start = this.i;
    for (;;) {
      const l = this.peek();
      if (l === null) this.truncated(`inside the ${name} block that begins on line ${start}`);
      if (l.startsWith('@@ ')) {
        if (l === `@@ end ${name}`) {
          this.i++;
          return;
        }
        this.fail(`expected "@@ end ${name}" (the ${name} block begins on line ${start}), found ${show(l)}`);
      }
      f(l, this.i + 1);
      this.i++;
    }
  }

  private config(): RecordingConfig {
    const src = this.begin('config');
    const options: Record<string, string> = {};
    this.body('config', (l) => {
      const m =
        /^CONFIG_([A-Za-z0-9_]{1,100})=(.{0,1000})$/.exec(l) ?? /^# CONFIG_([A-Za-z0-9_]{1,100}) is not set()$/.exec(l);
      if (!m) this.fail(`not a config line: ${show(l)}`);
      options[m[1]!] = l.startsWith('#') ? 'n' : m[2]!.replace(/^"(.*)"$/, '$1');
    });
    return { source: src === '' || src === 'none' ? null : src, options };
  }

  private namesBlock(): string[] {
    this.begin('modules-before');
    const names: string[] = [];
    this.body('modules-before', (l) => {
      if (!MODULE_NAME.test(l)) this.fail(`not a module name: ${show(l)}`);
      names.push(l);
    });
    return names;
  }

  private modulesBlock(): ProcModule[] {
    this.begin('modules');
    const mods: ProcModule[] = [];
    this.body('modules', (l) => {
      // "klp_demo_patch 16384 1 - Live 0xffffffffc0215000 (OEK)"
      const f = l.split(' ');
      const [name, size, refs, deps, state, base, taints] = f;
      const sz = dec(size ?? '');
      const rf = refs === '-' ? 0 : dec(refs ?? '');
      const b = hex(base ?? '');
      if (
        !name ||
        !MODULE_NAME.test(name) ||
        sz === null ||
        rf === null ||
        !deps ||
        !state ||
        b === null ||
        f.length > 7
      ) {
        this.fail(`not a /proc/modules line: ${show(l)}`);
      }
      mods.push({
        name,
        size: sz,
        refs: rf,
        deps: deps === '-' ? [] : deps.split(',').filter((d) => d !== ''),
        state,
        base: b,
        taints: taints ? taints.replace(/^\((.*)\)$/, '$1') : '',
      });
    });
    return mods;
  }

  private sectionsBlock(): ModuleSections {
    const module = this.begin('sections');
    if (!MODULE_NAME.test(module)) this.fail(`"@@ begin sections" names a module, not ${show(module)}`, this.i);
    const sections: ModuleSections['sections'] = [];
    this.body('sections', (l) => {
      const sp = l.lastIndexOf(' ');
      const addr = sp > 0 ? hex(l.slice(sp + 1)) : null;
      if (addr === null) this.fail(`not a "SECTION 0xADDRESS" line: ${show(l)}`);
      sections.push({ name: l.slice(0, sp), addr });
    });
    return { module, sections };
  }

  private kallsymsBlock(): KallsymsLine[] {
    this.begin('kallsyms');
    const out: KallsymsLine[] = [];
    this.body('kallsyms', (l) => {
      // "ffffffffc0209010 t livepatch_klp_demo_greeting\t[klp_demo_patch]"
      const f = l.split(/[ \t]+/);
      const [a, type, name, mod] = f;
      if (
        f.length !== 4 ||
        !a ||
        !BARE_HEX64.test(a) ||
        !type ||
        type.length !== 1 ||
        !name ||
        !mod ||
        !/^\[[A-Za-z0-9_-]{1,64}\]$/.test(mod)
      ) {
        this.fail(`not a /proc/kallsyms module line: ${show(l)}`);
      }
      out.push({ addr: BigInt(`0x${a}`), type, name, module: mod.slice(1, -1) });
    });
    return out;
  }

  private livepatchBlock(): Array<{ path: string; value: string }> {
    this.begin('livepatch');
    const out: Array<{ path: string; value: string }> = [];
    this.body('livepatch', (l) => {
      const eq = l.indexOf('=');
      if (eq <= 0) this.fail(`not a "PATH=VALUE" line of /sys/kernel/livepatch: ${show(l)}`);
      out.push({ path: l.slice(0, eq), value: l.slice(eq + 1) });
    });
    return out;
  }

  private vmallocBlock(): VmallocArea[] {
    this.begin('vmallocinfo');
    const out: VmallocArea[] = [];
    this.body('vmallocinfo', (l) => {
      // "0xffffffffc0201000-0xffffffffc0203000    8192 load_module+0x784/0x21b0 pages=1 vmalloc"
      const m = /^(0x[0-9a-f]{1,16})-(0x[0-9a-f]{1,16}) +([0-9]{1,19}) (\S{1,300}) ?(.{0,2000})$/.exec(l);
      if (!m) this.fail(`not a /proc/vmallocinfo line: ${show(l)}`);
      out.push({ start: BigInt(m[1]!), end: BigInt(m[2]!), size: Number(m[3]), caller: m[4]!, info: m[5]! });
    });
    return out;
  }

  private end() {
    const l = this.peek();
    if (l === null) this.truncated('after the vmallocinfo block');
    const m = /^@@ end-of-recording lines=([0-9]{1,12})$/.exec(l);
    if (!m) this.fail(`expected "@@ end-of-recording lines=N", found ${show(l)}`);
    const n = Number(m[1]);
    if (this.i + 1 < this.lines.length) {
      this.fail(`the recording goes on after its last line "@@ end-of-recording" (line ${this.i + 1})`, this.i + 2);
    }
    if (n !== this.lines.length) {
      const d = this.lines.length - n;
      this.fail(
        `the recording was written with ${n} lines and has ${this.lines.length}: ${Math.abs(d)} line(s) ` +
          `${d > 0 ? 'added' : 'removed'} since (the file was edited)`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // the trace

  private trace(capture: RecordingCapture, probes: Map<string, ProbeStatus>): RawEvent[] {
    this.begin('trace');
    const events: RawEvent[] = [];
    // the event the next stack frames belong to: a "<stack trace>" entry names the last event of its task
    let stackOf: RawEvent | null = null;
    let lastPrintk: RawEvent | null = null;
    const lastOfPid = new Map<number, RawEvent>();
    this.body('trace', (l, line) => {
      if (l.startsWith('#')) {
        const m = /^# entries-in-buffer\/entries-written: ([0-9]{1,12})\/([0-9]{1,12}) +#P:([0-9]{1,6})$/.exec(l);
        if (m) {
          const [inBuffer, written, cpus] = [Number(m[1]), Number(m[2]), Number(m[3])];
          capture.entries = { inBuffer, written, cpus };
          if (written > inBuffer) {
            this.warn(
              `the trace buffer overflowed: ${written - inBuffer} of ${written} events were lost ` +
                '(record again with a larger -b)',
              line,
            );
          }
        }
        return;
      }
      if (l.startsWith(' => ')) {
        if (!stackOf) this.fail(`a stack frame with no "<stack trace>" line before it: ${show(l)}`);
        (stackOf.frames ??= []).push(l.slice(4));
        return;
      }
      const lost = /^CPU:([0-9]{1,6}) \[LOST ([0-9]{1,19}) EVENTS\]$/.exec(l);
      if (lost) {
        this.warn(`the kernel lost ${lost[2]} events on CPU ${lost[1]} here (the trace buffer was full)`, line);
        stackOf = null;
        return;
      }
      const ev = this.eventLine(l, line, probes);
      if (!ev) {
        // a kernel message with a newline inside it continues on the next lines
        if (lastPrintk && stackOf === null) {
          lastPrintk.body += `\n${l}`;
          return;
        }
        this.fail(`not a trace line: ${show(l)}`);
      }
      if (ev.name === '<stack trace>') {
        const owner = lastOfPid.get(ev.pid);
        if (!owner || owner.frames !== null) this.fail('a "<stack trace>" with no event of its task before it');
        owner.frames = [];
        stackOf = owner;
        lastPrintk = null;
        return;
      }
      stackOf = null;
      lastPrintk = ev.name === 'console' ? ev : null;
      lastOfPid.set(ev.pid, ev);
      events.push(ev);
    });
    return events;
  }

  /** One event line, or null when the line does not look like one. */
  private eventLine(l: string, line: number, probes: Map<string, ProbeStatus>): RawEvent | null {
    // "         kmodsys-368     [000] .....    12.678057: module_alloc: (module_alloc+0x0/0xe0) size=16384"
    // Bounded quantifiers keep the match linear in the line's length.
    const s = l.trimStart();
    const m =
      /^(.{1,64}?)-([0-9]{1,10}) {1,20}\[([0-9]{1,6})\] {1,20}(?:(\S{1,8}) {1,20})?([0-9]{1,12}\.[0-9]{1,12}): /.exec(
        s,
      );
    if (!m) return null;
    const rest = s.slice(m[0].length);
    const base = {
      line,
      time: Number(m[5]),
      task: m[1]!,
      pid: Number(m[2]),
      cpu: Number(m[3]),
      args: new Map<string, ArgValue>(),
      stack: null,
      frames: null,
    };
    if (rest === '<stack trace>') return { ...base, name: '<stack trace>', probe: null, body: '' };

    // syscall tracepoints print "sys_finit_module(fd: 4, …)" and "sys_finit_module -> 0x0"
    const sc = /^sys_([a-z_0-9]{1,40})(\(.*\)| -> (0x[0-9a-f]{1,16}))$/.exec(rest);
    if (sc) {
      const enter = sc[3] === undefined;
      const name = `sys_${enter ? 'enter' : 'exit'}_${sc[1]}`;
      const probe = this.probeOf(probes, name);
      if (!enter) base.args.set('ret', { kind: 'num', v: BigInt(sc[3]!) });
      return { ...base, name, probe, body: enter ? sc[2]!.slice(1, -1) : '' };
    }
    const colon = rest.indexOf(': ');
    const name = colon < 0 ? (rest.endsWith(':') ? rest.slice(0, -1) : '') : rest.slice(0, colon);
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) return null;
    const payload = colon < 0 ? '' : rest.slice(colon + 2);
    if (name === 'tracing_mark_write') return { ...base, name, probe: null, body: payload };
    const probe = this.probeOf(probes, name);
    if (probe.kind === 't') return { ...base, name, probe, body: payload };
    // kprobe: "(set_memory_ro+0x0/0x30) addr=0x… numpages=1";
    // kretprobe: "(load_module+0xbb7/0x21a0 <- module_alloc) addr=0x…"
    if (!payload.startsWith('(')) this.fail(`event ${name}: expected "(function+offset/size)" after the name`);
    const close = payload.indexOf(')');
    if (close < 0) this.fail(`event ${name}: the probe location has no ")"`);
    const argText = payload.slice(close + 1).replace(/^ /, '');
    this.args(probe, argText, base.args);
    return { ...base, name, probe, body: payload.slice(1, close) };
  }

  private probeOf(probes: Map<string, ProbeStatus>, name: string): ProbeStatus {
    const p = probes.get(name);
    if (p?.status !== 'ok') {
      this.fail(
        `event ${show(name)} was not set up by this recording (its header says so): the file was edited, ` +
          'or trace lines from elsewhere were pasted in',
      );
    }
    return p;
  }

  /** "addr=0xffffffffc0203000 numpages=1 mod=\"klp_demo_target\"": the probe's arguments, in its order. */
  private args(probe: ProbeStatus, text: string, out: Map<string, ArgValue>) {
    let pos = 0;
    probe.args.forEach((a, k) => {
      const key = `${a.name}=`;
      if (!text.startsWith(key, pos))
        this.fail(`event ${probe.event}: expected argument "${key}" at ${show(text.slice(pos, pos + 40))}`);
      const start = pos + key.length;
      let end = text.length;
      const next = probe.args[k + 1];
      if (next) {
        end = text.indexOf(` ${next.name}=`, start);
        if (end < 0) this.fail(`event ${probe.event}: argument "${next.name}=" is missing`);
      }
      const v = text.slice(start, end);
      pos = end + 1;
      if (v === '(fault)') out.set(a.name, { kind: 'fault' });
      else if (a.type === 'string' || a.type === 'ustring') {
        if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"'))
          this.fail(`event ${probe.event}: ${a.name} is not a "string"`);
        out.set(a.name, { kind: 'str', v: v.slice(1, -1) });
      } else {
        const n = HEX64.test(v) ? BigInt(v) : DEC.test(v) ? BigInt(v) : null;
        if (n === null) this.fail(`event ${probe.event}: ${a.name}=${show(v)} is not a number`);
        out.set(a.name, { kind: 'num', v: n });
      }
    });
    if (probe.args.length === 0 && text.trim() !== '')
      this.fail(`event ${probe.event} has arguments its probe does not fetch`);
  }
}

function show(s: string): string {
  const t = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  return JSON.stringify(t);
}

/** 6.1.0-56-amd64 + "… Debian 6.1.192-2 …" → 6.1.192; 6.12.118+deb12-amd64 → 6.12.118. */
function kernelVersion(release: string, banner: string): KernelVersion | null {
  const r = /^([0-9]{1,3})\.([0-9]{1,3})(?:\.([0-9]{1,5}))?/.exec(release);
  if (!r) return null;
  const major = Number(r[1]);
  const minor = Number(r[2]);
  let patch = r[3] ? Number(r[3]) : 0;
  // Debian's release names are ABI names (6.1.0-56): the package version in the banner has the patch level
  // (the banner names gcc's Debian version first: "gcc-12 (Debian 12.2.0-14) … Debian 6.1.192-2")
  for (const d of banner.slice(0, 1000).matchAll(/Debian ([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,5})/g)) {
    if (Number(d[1]) === major && Number(d[2]) === minor) patch = Number(d[3]);
  }
  return { major, minor, patch };
}

// ---------------------------------------------------------------------------------------------
// meaning: allocations, places, callers

/** ≤ 6.3 (struct module_layout): which part of which layout each call of a module_enable_* makes, in order. */
const LAYOUT_CALLS: Record<string, Array<[string, MemoryMeaning['part']]>> = {
  // module_enable_ro(): frob_text(core), frob_rodata(core), frob_text(init), frob_rodata(init),
  // and with after_init frob_ro_after_init(core)
  module_enable_ro: [
    ['core', 'text'],
    ['core', 'rodata'],
    ['init', 'text'],
    ['init', 'rodata'],
    ['core', 'ro_after_init'],
  ],
  // module_enable_nx(): rodata, ro_after_init, writable data of core; rodata, writable data of init
  module_enable_nx: [
    ['core', 'rodata'],
    ['core', 'ro_after_init'],
    ['core', 'data'],
    ['init', 'rodata'],
    ['init', 'data'],
  ],
  // module_enable_x(): frob_text(core), frob_text(init)
  module_enable_x: [
    ['core', 'text'],
    ['init', 'text'],
  ],
};

/** 6.4+: struct module_memory types in enum order, and which are text (EXECMEM_MODULE_TEXT). */
const MOD_TYPES = [
  'MOD_TEXT',
  'MOD_DATA',
  'MOD_RODATA',
  'MOD_RO_AFTER_INIT',
  'MOD_INIT_TEXT',
  'MOD_INIT_DATA',
  'MOD_INIT_RODATA',
] as const;
const TEXT_TYPES = new Set(['MOD_TEXT', 'MOD_INIT_TEXT']);
/** Sections that tell an allocation's type for sure. */
function sectionType(name: string): string | null {
  if (name === '.text' || name.startsWith('.text.')) return 'MOD_TEXT';
  if (name === '.init.text') return 'MOD_INIT_TEXT';
  if (name === '.gnu.linkonce.this_module' || name === '.data' || name === '.bss') return 'MOD_DATA';
  if (name === '.init.data' || name === '.symtab' || name === '.strtab') return 'MOD_INIT_DATA';
  if (name === '.init.rodata') return 'MOD_INIT_RODATA';
  if (name === '.data..ro_after_init') return 'MOD_RO_AFTER_INIT';
  if (name === '.rodata' || name.startsWith('.rodata.')) return 'MOD_RODATA';
  return null;
}

const EFFECT: Record<SetMemoryFn, string> = {
  set_memory_ro: 'read-only',
  set_memory_rw: 'writable',
  set_memory_x: 'executable',
  set_memory_nx: 'not executable',
  set_memory_rox: 'read-only and executable',
};

/** One module load (a finit_module/init_module call): its allocations and the rodata evidence for naming them. */
interface Load {
  module: string | null;
  allocs: number[];
  /** addresses set read-only by module_enable_rodata_ro(after_init=0) / (after_init=1), in order (6.9+) */
  rodata0: Set<bigint>;
  rodata1: Set<bigint>;
}

interface PidState {
  load: Load | null;
  pendingAlloc: number | null;
  /** the module_enable_* call being made, and how many set_memory_* calls it has made so far */
  call: { fn: string; module: string | null; afterInit: boolean | null; count: number } | null;
}

class Semantics {
  readonly allocations: Allocation[] = [];
  private readonly live: Allocation[] = []; // sorted by addr
  private readonly pids = new Map<number, PidState>();
  private readonly loads: Load[] = [];
  private readonly lastLoad = new Map<string, Load>();
  /** /proc/modules sorted by base, for addresses of modules loaded before the recording */
  private readonly byBase: ProcModule[];
  private readonly layout: boolean;
  private readonly randomized: boolean;
  private readonly sectionsOf: Map<string, ModuleSections>;

  constructor(
    kernel: RecordingKernel,
    config: RecordingConfig,
    modules: ProcModule[],
    sections: ModuleSections[],
    private readonly warnings: RecordingWarning[],
  ) {
    // struct module_memory (one allocation per MOD_* type) replaced core/init layouts in 6.4
    this.layout = kernel.version.major < 6 || (kernel.version.major === 6 && kernel.version.minor < 4);
    this.randomized = config.options.RANDOMIZE_BASE !== 'n';
    this.sectionsOf = new Map(sections.map((s) => [s.module, s]));
    this.byBase = [...modules].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  }

  private pid(pid: number): PidState {
    let s = this.pids.get(pid);
    if (!s) this.pids.set(pid, (s = { load: null, pendingAlloc: null, call: null }));
    return s;
  }

  run(raw: RawEvent[]): RecordingEvent[] {
    const out: RecordingEvent[] = [];
    // set-memory events wait for pass 3 (their regions are named when their load is complete)
    const memo: Array<{ ev: RecordingEvent & { kind: 'set-memory' }; alloc: number | null }> = [];
    for (const r of raw) {
      r.stack = trimStack(r.frames, r.probe?.target ?? r.name);
      const ev = this.event(r, memo);
      out.push(ev);
    }
    for (const l of this.loads) if (l.module) this.lastLoad.set(l.module, l);
    for (const l of this.loads) this.nameRegions(l);
    for (const { ev, alloc } of memo) ev.meaning = this.meaning(ev, alloc);
    // text pokes and frees got their allocation ids in pass 2; refresh the names now known
    for (const ev of out) {
      if (ev.kind === 'text-poke' && ev.place.kind === 'allocation') {
        const a = this.allocations[ev.place.allocation]!;
        ev.place = { ...ev.place, module: a.module, region: a.region };
      }
    }
    return out;
  }

  private event(
    r: RawEvent,
    memo: Array<{ ev: RecordingEvent & { kind: 'set-memory' }; alloc: number | null }>,
  ): RecordingEvent {
    const base = { line: r.line, time: r.time, task: r.task, pid: r.pid, cpu: r.cpu, stack: r.stack };
    const st = this.pid(r.pid);
    const target = r.probe?.target ?? '';
    const kind = r.probe?.kind ?? null;
    const args = r.args;
    const other = () => otherEvent(base, r);

    if (r.name === 'tracing_mark_write') return { ...base, kind: 'marker', text: r.body };
    if (kind === 't') {
      st.call = null;
      const sys = /^syscalls\/sys_(enter|exit)_([a-z_0-9]+)$/.exec(target);
      if (sys && SYSCALLS.has(sys[2]!)) {
        const call = sys[2] as SyscallName;
        if (sys[1] === 'enter') {
          if (call !== 'delete_module') {
            const load: Load = { module: null, allocs: [], rodata0: new Set(), rodata1: new Set() };
            this.loads.push(load);
            st.load = load;
          }
          return { ...base, kind: 'syscall-enter', call, args: r.body };
        }
        const ret = signed64(num(args, 'ret') ?? 0n);
        st.load = null;
        return { ...base, kind: 'syscall-exit', call, ret, errno: ret < 0 ? (ERRNO[-ret] ?? `errno ${-ret}`) : null };
      }
      if (target === 'module/module_load' || target === 'module/module_free') {
        const sp = r.body.indexOf(' ');
        const module = sp < 0 ? r.body : r.body.slice(0, sp);
        if (!MODULE_NAME.test(module)) return other();
        if (target === 'module/module_free') return { ...base, kind: 'module-free', module };
        this.named(st, module);
        return { ...base, kind: 'module-load', module, taints: sp < 0 ? '' : r.body.slice(sp + 1) };
      }
      if (target === 'printk/console') return { ...base, kind: 'printk', text: r.body };
      return { ...base, kind: 'other', name: r.name, args: { text: r.body } };
    }

    if (kind === 'r') {
      st.call = null;
      const addr = num(args, 'addr');
      if ((target === 'module_alloc' || target === 'execmem_alloc') && addr !== null) {
        const id = st.pendingAlloc;
        st.pendingAlloc = null;
        if (id !== null) {
          const a = this.allocations[id]!;
          if (addr !== 0n) {
            a.addr = addr;
            this.insertLive(a);
          }
        }
        return { ...base, kind: 'alloc-return', fn: target, addr, allocation: id };
      }
      return other();
    }

    if (SET_MEMORY.has(target)) {
      const addr = num(args, 'addr');
      const pages = small(args, 'numpages');
      if (addr === null || pages === null) return other();
      const alloc = this.lookup(addr);
      // the caller: the stack says it, except where the compiler made the last call a tail call (then the
      // stack skips the module_enable_* that the probe on it saw begin just before)
      const caller0 = r.stack?.[0] ?? null;
      let caller = caller0;
      let afterInit: boolean | null = null;
      if (st.call && (caller0 === null || caller0 === st.call.fn || !ENABLE_FNS.has(caller0))) {
        caller = st.call.fn;
        afterInit = st.call.afterInit;
      }
      const ev = {
        ...base,
        kind: 'set-memory' as const,
        fn: target as SetMemoryFn,
        addr,
        pages,
        meaning: { caller, afterInit, place: { kind: 'unknown' } as Place, part: null, text: '' } as MemoryMeaning,
      };
      // remember the call's position for ≤ 6.3 layout parts, and the rodata evidence for 6.4+ names
      if (st.call && caller === st.call.fn) {
        ev.meaning.part = this.layout ? (LAYOUT_CALLS[caller]?.[st.call.count]?.[1] ?? null) : null;
        st.call.count++;
        if (caller === 'module_enable_rodata_ro' && st.load && pages > 0) {
          (st.call.afterInit ? st.load.rodata1 : st.load.rodata0).add(addr);
        }
      }
      memo.push({ ev, alloc });
      return ev;
    }
    st.call = null;

    if (target === 'module_alloc' || target === 'execmem_alloc') {
      const size = small(args, 'size');
      if (size === null) return other();
      const type = target === 'execmem_alloc' ? small(args, 'type') : null;
      const a: Allocation = {
        id: this.allocations.length,
        fn: target,
        addr: null,
        size,
        execmemType: type,
        purpose: purposeOf(r.stack, type, st.load !== null),
        module: null,
        region: null,
        line: r.line,
        freedLine: null,
      };
      this.allocations.push(a);
      st.pendingAlloc = a.id;
      if (a.purpose === 'module' && st.load) {
        st.load.allocs.push(a.id);
        if (st.load.module) a.module = st.load.module;
      }
      return { ...base, kind: 'alloc', fn: target, size, execmemType: type, allocation: a.id };
    }
    if (target === 'module_memfree' || target === 'execmem_free') {
      const addr = num(args, 'addr');
      if (addr === null) return other();
      const a = addr === 0n ? null : this.free(addr, r.line);
      return { ...base, kind: 'free', fn: target, addr, allocation: a };
    }
    if (TEXT_POKE.has(target)) {
      const addr = num(args, 'addr');
      const len = small(args, 'len');
      if (addr === null || len === null) return other();
      return {
        ...base,
        kind: 'text-poke',
        fn: target as TextPokeFn,
        addr,
        len,
        place: this.place(addr, this.lookup(addr)),
      };
    }
    if (target === 'text_poke_sync' || target === 'text_poke_finish') return { ...base, kind: 'text-sync', fn: target };
    if (target === 'arch_ftrace_update_trampoline') {
      return { ...base, kind: 'ftrace-trampoline', fn: target, ops: num(args, 'ops') };
    }
    if (MODULE_CALL.has(target)) {
      const module = str(args, 'mod');
      const ai = small(args, 'after_init');
      const afterInit = ai === null ? null : ai !== 0;
      if (module) this.named(st, module);
      if (ENABLE_FNS.has(target)) st.call = { fn: target, module, afterInit, count: 0 };
      return { ...base, kind: 'module-call', fn: target as ModuleCallFn, module, afterInit };
    }
    if (RELOCATION.has(target)) {
      const module = str(args, 'mod');
      if (module) this.named(st, module);
      const section = small(args, 'relsec') ?? small(args, 'secndx');
      const ap = small(args, 'apply');
      const object = target.startsWith('klp_') ? str(args, 'obj') : null;
      const apply = target === 'clear_relocate_add' ? false : ap === null || ap !== 0;
      return { ...base, kind: 'relocation', fn: target as RelocationFn, module, section, object, apply };
    }
    if (LIVEPATCH.has(target)) {
      const module = str(args, 'mod');
      if (module && target === 'klp_module_coming') this.named(st, module);
      return {
        ...base,
        kind: 'livepatch',
        fn: target as LivepatchFn,
        patch: str(args, 'patch'),
        module,
        object: str(args, 'obj'),
        state: small(args, 'state'),
      };
    }
    return other();
  }

  /** The first event that names the module a load is loading names its allocations too. */
  private named(st: PidState, module: string) {
    const l = st.load;
    if (!l || l.module !== null) return;
    l.module = module;
    for (const id of l.allocs) this.allocations[id]!.module = module;
  }

  // live allocations, sorted by address: binary search to find, splice to add and remove
  private index(addr: bigint): number {
    let lo = 0;
    let hi = this.live.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.live[mid]!.addr! <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo; // first allocation above addr
  }

  private insertLive(a: Allocation) {
    if (this.live.length >= MAX_LIVE_ALLOCATIONS) {
      if (this.live.length === MAX_LIVE_ALLOCATIONS) {
        this.warnings.push({
          line: a.line,
          message: `more than ${MAX_LIVE_ALLOCATIONS} allocations at once: later ones are not tracked`,
        });
      }
      return;
    }
    const i = this.index(a.addr!);
    const prev = this.live[i - 1];
    if (prev && prev.addr === a.addr)
      this.live.splice(i - 1, 1, a); // a missed free: the new one wins
    else this.live.splice(i, 0, a);
  }

  private free(addr: bigint, line: number): number | null {
    const i = this.index(addr) - 1;
    const a = this.live[i];
    if (!a || a.addr !== addr) return null;
    a.freedLine = line;
    this.live.splice(i, 1);
    return a.id;
  }

  private lookup(addr: bigint): number | null {
    const a = this.live[this.index(addr) - 1];
    if (!a || a.addr === null) return null;
    const span = BigInt(Math.max(pagesOf(a.size), 1) * 4096);
    return addr < a.addr + span ? a.id : null;
  }

  private place(addr: bigint, alloc: number | null): Place {
    if (alloc !== null) {
      const a = this.allocations[alloc]!;
      return {
        kind: 'allocation',
        allocation: alloc,
        module: a.module,
        region: a.region,
        offset: Number(addr - a.addr!),
      };
    }
    // a module loaded before the recording: up to 6.3 its core layout is [base, base + size)
    if (this.layout) {
      let lo = 0;
      let hi = this.byBase.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.byBase[mid]!.base <= addr) lo = mid + 1;
        else hi = mid;
      }
      const m = this.byBase[lo - 1];
      if (m && addr < m.base + BigInt(m.size)) return { kind: 'module', module: m.name, offset: Number(addr - m.base) };
    }
    // the kernel image mapping: 0xffffffff80000000 up to the module area (0xffffffffc0000000 with KASLR's 1 GiB image)
    const top = this.randomized ? 0xffffffffc0000000n : 0xffffffffa0000000n;
    if (addr >= 0xffffffff80000000n && addr < top) return { kind: 'vmlinux' };
    return { kind: 'unknown' };
  }

  /** Region names of one load's allocations: core/init by order (≤ 6.3); MOD_* types (6.4+). */
  private nameRegions(l: Load) {
    const allocs = l.allocs.map((id) => this.allocations[id]!).filter((a) => a.addr !== null);
    if (this.layout) {
      allocs.forEach((a, k) => (a.region = k === 0 ? 'core' : k === 1 ? 'init' : null));
      return;
    }
    // Allocations come in enum mod_mem_type order (only the types the module has). Sections pin a type
    // where they can (the module's last load only: sections describe the module as it is at the end);
    // module_enable_rodata_ro() tells rodata (after_init=0) and ro_after_init (only after_init=1) apart;
    // the rest goes to the lowest type of its class that keeps the order.
    // (a real load has at most 7 allocations: more is a damaged file, left without pins)
    const secs = l.module && allocs.length <= MOD_TYPES.length ? this.sectionsOf.get(l.module) : undefined;
    const lastLoad = l.module !== null && this.lastLoad.get(l.module) === l;
    let prev = -1;
    for (const a of allocs) {
      const text = a.execmemType === 0;
      let pinned: string | null = null;
      if (secs && lastLoad) {
        const end = a.addr! + BigInt(pagesOf(a.size) * 4096);
        for (const s of secs.sections) {
          if (s.addr >= a.addr! && s.addr < end) pinned = sectionType(s.name) ?? pinned;
          if (pinned) break;
        }
      }
      let allowed: string[];
      if (pinned) allowed = [pinned];
      else if (text) allowed = ['MOD_TEXT', 'MOD_INIT_TEXT'];
      else if (l.rodata0.has(a.addr!)) allowed = ['MOD_RODATA', 'MOD_INIT_RODATA'];
      else if (l.rodata1.has(a.addr!)) allowed = ['MOD_RO_AFTER_INIT'];
      else if (l.rodata0.size + l.rodata1.size > 0) allowed = ['MOD_DATA', 'MOD_INIT_DATA'];
      else allowed = MOD_TYPES.filter((t) => !TEXT_TYPES.has(t));
      const k = MOD_TYPES.findIndex((t, j) => j > prev && allowed.includes(t));
      if (k < 0) {
        a.region = null;
        continue;
      }
      a.region = MOD_TYPES[k]!;
      prev = k;
    }
  }

  private meaning(ev: RecordingEvent & { kind: 'set-memory' }, alloc: number | null): MemoryMeaning {
    const m = ev.meaning;
    const place = this.place(ev.addr, alloc);
    let what: string;
    if (place.kind === 'allocation') {
      const a = this.allocations[place.allocation]!;
      if (a.purpose === 'module') {
        what = `${a.module ?? 'a loading module'} ${a.region ?? 'memory'}`;
        if (m.part) what += ` ${m.part.replace(/_/g, ' ')}`;
        else if (place.offset > 0) what += ` +0x${place.offset.toString(16)}`;
      } else {
        what = a.purpose === 'ftrace-trampoline' ? 'ftrace trampoline' : `${a.purpose} memory`;
      }
    } else if (place.kind === 'module') {
      what = `${place.module} (loaded before the recording) +0x${place.offset.toString(16)}`;
    } else if (place.kind === 'vmlinux') {
      what = 'kernel image';
    } else {
      what = `0x${ev.addr.toString(16)}`;
    }
    const pages = ev.pages === 1 ? '1 page' : `${ev.pages} pages`;
    const by = m.caller ? ` (${m.caller}${m.afterInit === null ? '' : `, after_init=${m.afterInit ? 1 : 0}`})` : '';
    const text =
      ev.pages === 0 ? `${what}: 0 pages, nothing changes${by}` : `${what} → ${EFFECT[ev.fn]}, ${pages}${by}`;
    return { ...m, place, text };
  }
}

/** A numeric argument of an event, or null (absent, a string, or a failed fetch). */
function num(args: Map<string, ArgValue>, k: string): bigint | null {
  const v = args.get(k);
  return v && v.kind === 'num' ? v.v : null;
}
function str(args: Map<string, ArgValue>, k: string): string | null {
  const v = args.get(k);
  return v && v.kind === 'str' ? v.v : null;
}
/** A numeric argument as a (signed) number: sizes, counts, indices. */
function small(args: Map<string, ArgValue>, k: string): number | null {
  const v = num(args, k);
  return v === null ? null : Number(BigInt.asIntN(64, v));
}
function otherEvent(base: Omit<RecordingEvent, 'kind'>, r: RawEvent): RecordingEvent {
  const args: Record<string, string> = {};
  for (const [k, v] of r.args) args[k] = v.kind === 'fault' ? '(fault)' : String(v.v);
  return { ...base, kind: 'other', name: r.name, args } as RecordingEvent;
}

function pagesOf(size: number): number {
  return Math.ceil(size / 4096);
}

/** Frames that belong to the probe, not to the kernel code being watched. */
function trimStack(frames: string[] | null, fn: string): string[] | null {
  if (frames === null) return null;
  // the frames run: kprobe_trace_func, kprobe_dispatcher, …, the ftrace trampoline, FN, its callers
  const k = frames.findIndex((f) => f === fn || f.startsWith(`${fn}+`) || f.startsWith(`${fn}.`));
  if (k >= 0) return frames.slice(k + 1);
  const plumbing = /^(kprobe_|aggr_|opt_pre_handler|optimized_callback|trace_|0x[0-9a-f]+$)/;
  let j = 0;
  while (j < frames.length && plumbing.test(frames[j]!)) j++;
  return frames.slice(j);
}

function purposeOf(stack: string[] | null, type: number | null, loading: boolean): AllocationPurpose {
  if (stack) {
    for (const f of stack) {
      if (/^(arch_ftrace_update_trampoline|create_trampoline|ftrace_)/.test(f)) return 'ftrace-trampoline';
      if (/^(alloc_insn_page|kprobe|__get_insn_slot)/.test(f)) return 'kprobes';
      if (/bpf/.test(f)) return 'bpf';
      if (/^(load_module|move_module|module_memory_alloc|layout_and_allocate)/.test(f)) return 'module';
    }
  }
  if (type === 2) return 'ftrace-trampoline';
  if (type === 1) return 'kprobes';
  if (type === 3) return 'bpf';
  return loading ? 'module' : 'other';
}
