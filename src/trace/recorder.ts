// Builds a Trace while the emulated kernel runs: functions announce themselves (enter/leave
// form the call path) and open steps; events land in the step that is open.
import type { Step, Trace, TraceEvent } from './types.ts';

export class TraceRecorder {
  readonly trace: Trace;
  private readonly stack: string[] = [];
  private current: Step | undefined;

  constructor(kernel: string) {
    this.trace = { kernel, steps: [] };
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
    if (opts.file) step.source = { file: opts.file, fn: path.at(-1) ?? '', version: this.trace.kernel };
    this.trace.steps.push(step);
    this.current = step;
    return step;
  }

  emit(event: TraceEvent): void {
    if (!this.current) this.step('(kernel)');
    this.current!.events.push(event);
  }

  printk(level: 'err' | 'warn' | 'notice' | 'info', text: string): void {
    this.emit({ kind: 'printk', level, text });
  }

  get path(): readonly string[] {
    return this.stack;
  }
}
