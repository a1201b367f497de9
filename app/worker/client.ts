// The UI side of the module worker: starts it, sends bytes (transferred), and survives it
// dying. A worker that throws at top level only fires `error` (before any reply), so every
// pending call is raced against a "crashed" promise; on a crash the worker is terminated, the
// message goes to the UI state through `onCrash`, and the next request starts a fresh worker.
import * as Comlink from 'comlink';
import type { RunKind } from '../../src/engine/request.ts';
import type { ResultOf, RunResult } from '../../src/engine/run.ts';
import type { ModuleWorkerApi, OpenReply, RecordingReply, SectionBytesReply, WorkerRequest } from './protocol.ts';
import { spawnModuleWorker } from './spawn.ts';
import { restoreNames } from './transferables.ts';

export type WorkerFactory = () => Worker;

const createModuleWorker: WorkerFactory = spawnModuleWorker;

/** What the worker is doing while it runs a request of each kind (the runaway message says it). */
const RUNNING: Record<RunKind, string> = {
  sequence: 'running the emulated kernel',
  scenario: 'running the scenario',
  compare: 'comparing the strategies',
};

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

/** The request lost to a newer one: its worker was stopped on purpose. */
export class WorkerCancelledError extends WorkerCrashedError {
  override name = 'WorkerCancelledError';
}

/**
 * How long a request may run before the worker counts as runaway and is replaced. Every
 * request is bounded (the largest Debian module decodes in < 0.1 s and traces in seconds);
 * tests shorten it through globalThis.__klpWorkerTimeoutMs.
 */
const defaultTimeoutMs = () => (globalThis as { __klpWorkerTimeoutMs?: number }).__klpWorkerTimeoutMs ?? 60_000;

interface Generation {
  worker: Worker;
  api: Comlink.Remote<ModuleWorkerApi>;
  crashed: Promise<never>;
  crash: (error: WorkerCrashedError) => void;
  /** Requests sent and not answered yet. */
  pending: number;
  /** It answered at least once: a worker that never did (dies at load) gets nothing re-sent, or it would loop. */
  answered: boolean;
}

export class ModuleWorkerClient {
  private current: Generation | null = null;
  /** How many times the worker died and was replaced. */
  restarts = 0;
  /** vmlinux tables by name, and the worker generation each was last sent to. */
  private readonly tables = new Map<string, { text: string; sent: Generation | null }>();

  /** Called after a worker was replaced (crash, runaway, cancel): what it kept must be sent again. */
  onRestart: (() => void) | null = null;

  constructor(
    private readonly onCrash: (message: string) => void,
    private readonly factory: WorkerFactory = createModuleWorker,
    private readonly timeoutMs: () => number = defaultTimeoutMs,
  ) {}

  private start(): Generation {
    const worker = this.factory();
    let crash!: (error: WorkerCrashedError) => void;
    const crashed = new Promise<never>((_, reject) => {
      crash = reject;
    });
    crashed.catch(() => undefined); // observed through Promise.race by pending calls
    const generation: Generation = {
      worker,
      api: Comlink.wrap<ModuleWorkerApi>(worker),
      crashed,
      crash,
      pending: 0,
      answered: false,
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
      this.fail(generation, `The decoder worker crashed: ${event.message || 'failed to start'}${where}`);
    });
    worker.addEventListener('messageerror', () => {
      this.fail(generation, 'The decoder worker sent a message that could not be deserialised.');
    });
    this.current = generation;
    return generation;
  }

  private fail(generation: Generation, message: string, cancelled = false): void {
    if (this.current !== generation) return;
    generation.crash(cancelled ? new WorkerCancelledError(message) : new WorkerCrashedError(message));
    generation.api[Comlink.releaseProxy]();
    generation.worker.terminate();
    this.current = null;
    this.restarts++;
    // Started again lazily by the next request: a worker that dies at load cannot loop.
    if (!cancelled) this.onCrash(`${message} A fresh worker will decode the next file; open it again.`);
    if (generation.answered) this.onRestart?.();
  }

  /** A request to the worker: answered, or failed by a crash, a cancel, or running too long. */
  private guard<T>(g: Generation, call: Promise<T>, what: string): Promise<T> {
    g.pending++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = this.timeoutMs();
    const runaway = new Promise<never>(() => {
      timer = setTimeout(
        () =>
          this.fail(g, `The worker did not answer within ${Math.round(limit / 1000)} s while ${what}; it was stopped.`),
        limit,
      );
    });
    const answered = call.then((value) => {
      g.answered = true;
      return value;
    });
    return Promise.race([answered, g.crashed, runaway]).finally(() => {
      clearTimeout(timer);
      g.pending--;
    });
  }

  /** Stop whatever the worker is doing (a newer request wins); its pending calls fail as cancelled. */
  cancel(why: string): boolean {
    const g = this.current;
    if (!g || g.pending === 0) return false;
    this.fail(g, why, true);
    return true;
  }

  private get generation(): Generation {
    return this.current ?? this.start();
  }

  /** Decodes a module. `buffer` is transferred to the worker and is detached afterwards. */
  async open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply> {
    const g = this.generation;
    const reply = await this.guard(g, g.api.open(Comlink.transfer(buffer, [buffer]), fileName), `decoding ${fileName}`);
    if (reply.shared && reply.result.ok) restoreNames(reply.result.module.elf, reply.shared);
    return reply;
  }

  async release(handle: number): Promise<void> {
    if (handle === 0 || !this.current) return;
    await Promise.race([this.current.api.release(handle), this.current.crashed]).catch(() => undefined);
  }

  /** Keeps `buffer` (transferred) in the worker for a run; returns its handle. */
  async stash(buffer: ArrayBuffer, fileName: string): Promise<number> {
    const g = this.generation;
    return this.guard(g, g.api.stash(Comlink.transfer(buffer, [buffer]), fileName), `receiving ${fileName}`);
  }

  /** Sends a kallsyms table once per worker generation (a restarted worker gets it again). */
  async setKallsyms(text: string, table = 'default'): Promise<void> {
    const g = this.generation;
    this.tables.set(table, { text, sent: g });
    await this.guard(g, g.api.setKallsyms(text, table), 'receiving kallsyms');
  }

  /** Whether a table of that name was given (it is sent again to a restarted worker). */
  hasKallsyms(table = 'default'): boolean {
    return this.tables.has(table);
  }

  private async withKallsyms(): Promise<Generation> {
    const g = this.generation;
    for (const [name, t] of this.tables)
      if (t.sent !== g) {
        t.sent = g;
        await this.guard(g, g.api.setKallsyms(t.text, name), 'receiving kallsyms');
      }
    return g;
  }

  /**
   * Runs `request` in the worker against the named vmlinux table (the default one if none); the
   * result is of the request's kind (the engine answers in kind).
   */
  async run<R extends WorkerRequest>(request: R, table?: string): Promise<ResultOf<R['kind']>> {
    const g = await this.withKallsyms();
    const result = this.guard<RunResult>(g, g.api.run(request, table), RUNNING[request.kind]);
    return result as Promise<ResultOf<R['kind']>>;
  }

  /** A klp-capture recording as a recorded trace, or the parser's refusal (the buffer is transferred). */
  async openRecording(buffer: ArrayBuffer, fileName: string): Promise<RecordingReply> {
    const g = this.generation;
    return this.guard<RecordingReply>(
      g,
      g.api.openRecording(Comlink.transfer(buffer, [buffer]), fileName),
      `reading ${fileName}`,
    );
  }

  /** Bytes of one section of an open file, as in the file (transferred from the worker). */
  async sectionBytes(handle: number, index: number, offset: number, length: number): Promise<SectionBytesReply> {
    const g = this.generation;
    return this.guard(g, g.api.sectionBytes(handle, index, offset, length), 'reading section bytes');
  }

  async kept(): Promise<number> {
    const g = this.generation;
    return this.guard(g, g.api.kept(), 'counting kept files');
  }

  dispose(): void {
    if (!this.current) return;
    this.current.api[Comlink.releaseProxy]();
    this.current.worker.terminate();
    this.current = null;
  }
}
