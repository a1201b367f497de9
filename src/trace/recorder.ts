// Builds a Trace while the emulated kernel runs: functions announce themselves (enter/leave
// form the call path) and open steps; events land in the step that is open.
import type { KernelEvent, RelocationCause, Step, Trace, WritePath } from './types.ts';
import { emptyWriteLog, type RelocationWrite, WriteLogWriter } from './write_log.ts';

export class TraceRecorder {
  readonly trace: Trace;
  private readonly stack: string[] = [];
  private current: Step | undefined;
  private readonly writes: WriteLogWriter;

  /**
   * `sourceFile`: where the kernel version keeps a function's code (`file` is the one the
   * emulated function names, as its own file has it).
   */
  constructor(
    kernel: string,
    private readonly sourceFile: (fn: string, file: string) => string = (_fn, file) => file,
  ) {
    this.trace = { kernel, steps: [], writes: emptyWriteLog() };
    this.writes = new WriteLogWriter(this.trace.writes);
  }

  /** Run `body` as kernel function `fn`: it is on the call path of every step opened inside. */
  call<T>(fn: string, body: () => T): T {
    this.stack.push(fn);
    try {
      return body();
    } finally {
      this.stack.pop();
    }
  }

  /** Open a new step at the current call path (plus `fn` if given). */
  step(title: string, opts: { fn?: string; module?: string; file?: string } = {}): Step {
    const path = opts.fn ? [...this.stack, opts.fn] : [...this.stack];
    const step: Step = { index: this.trace.steps.length, path, title, events: [] };
    if (opts.module) step.module = opts.module;
    if (opts.file) {
      const fn = path.at(-1) ?? '';
      step.source = { file: this.sourceFile(fn, opts.file), fn, version: this.trace.kernel };
    }
    this.trace.steps.push(step);
    this.current = step;
    return step;
  }

  private open(): Step {
    return this.current ?? this.step('(kernel)');
  }

  emit(event: KernelEvent): void {
    this.open().events.push(event);
  }

  /**
   * A write of `bytes` at addr over `before[from, from + bytes.length)` (zeros if undefined);
   * `size`: its length when `bytes` and `before` hold only its first WRITE_BYTES_KEPT or more.
   */
  write(
    addr: bigint,
    before: Uint8Array | undefined,
    from: number,
    bytes: Uint8Array,
    path: WritePath,
    cause?: RelocationCause,
    what?: string,
    size = bytes.length,
  ): void {
    this.extendRun(this.writes.append(addr, before, from, bytes, path, cause, what, size));
  }

  /** A relocation write over zeros (WriteLogWriter.appendRelocation()), in the open step. */
  relocation(w: RelocationWrite): void {
    this.extendRun(this.writes.appendRelocation(w));
  }

  /** The write log's id of a string (relocation section and symbol names) for relocation(). */
  intern(s: string): number {
    return this.writes.id(s);
  }

  private extendRun(row: number): void {
    const events = this.open().events;
    const last = events[events.length - 1];
    if (last?.kind === 'writes' && last.from + last.count === row) last.count++;
    else events.push({ kind: 'writes', from: row, count: 1 });
  }

  printk(level: 'err' | 'warn' | 'notice' | 'info', text: string): void {
    this.emit({ kind: 'printk', level, text });
  }

  get path(): readonly string[] {
    return this.stack;
  }
}
