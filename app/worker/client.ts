// The UI side of the module worker: starts it, sends bytes (transferred), and survives it
// dying. A worker that throws at top level only fires `error` (before any reply), so every
// pending call is raced against a "crashed" promise; on a crash the worker is terminated, the
// message goes to the UI state through `onCrash`, and the next request starts a fresh worker.
import * as Comlink from 'comlink';
import type { CompareReply, CompareRequest, ModuleWorkerApi, OpenReply, ScenarioReply, ScenarioRequest, SectionBytesReply, SequenceReply, SequenceRequest } from './protocol.ts';

export type WorkerFactory = () => Worker;

export const createModuleWorker: WorkerFactory = () =>
  new Worker(new URL('./module.worker.ts', import.meta.url), { type: 'module', name: 'klp-lab module worker' });

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

interface Generation {
  worker: Worker;
  api: Comlink.Remote<ModuleWorkerApi>;
  crashed: Promise<never>;
  crash: (error: WorkerCrashedError) => void;
}

export class ModuleWorkerClient {
  private current: Generation | null = null;
  /** How many times the worker died and was replaced. */
  restarts = 0;
  private kallsyms: string | null = null;
  private kallsymsSent: Generation | null = null;

  constructor(
    private readonly onCrash: (message: string) => void,
    private readonly factory: WorkerFactory = createModuleWorker,
  ) {}

  private start(): Generation {
    const worker = this.factory();
    let crash!: (error: WorkerCrashedError) => void;
    const crashed = new Promise<never>((_, reject) => {
      crash = reject;
    });
    crashed.catch(() => undefined); // observed through Promise.race by pending calls
    const generation: Generation = { worker, api: Comlink.wrap<ModuleWorkerApi>(worker), crashed, crash };
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

  private fail(generation: Generation, message: string): void {
    if (this.current !== generation) return;
    generation.crash(new WorkerCrashedError(message));
    generation.api[Comlink.releaseProxy]();
    generation.worker.terminate();
    this.current = null;
    this.restarts++;
    // Started again lazily by the next request: a worker that dies at load cannot loop.
    this.onCrash(`${message} A fresh worker will decode the next file; open it again.`);
  }

  private get generation(): Generation {
    return this.current ?? this.start();
  }

  /** Decodes a module. `buffer` is transferred to the worker and is detached afterwards. */
  async open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply> {
    const { api, crashed } = this.generation;
    return Promise.race([api.open(Comlink.transfer(buffer, [buffer]), fileName), crashed]);
  }

  async release(handle: number): Promise<void> {
    if (handle === 0 || !this.current) return;
    await Promise.race([this.current.api.release(handle), this.current.crashed]).catch(() => undefined);
  }

  /** Keeps `buffer` (transferred) in the worker for loadSequence; returns its handle. */
  async stash(buffer: ArrayBuffer, fileName: string): Promise<number> {
    const { api, crashed } = this.generation;
    return Promise.race([api.stash(Comlink.transfer(buffer, [buffer]), fileName), crashed]);
  }

  /** Sends the kallsyms text once per worker generation (a restarted worker gets it again). */
  async setKallsyms(text: string): Promise<void> {
    this.kallsyms = text;
    const g = this.generation;
    this.kallsymsSent = g;
    await Promise.race([g.api.setKallsyms(text), g.crashed]);
  }

  private async withKallsyms(): Promise<Generation> {
    const g = this.generation;
    if (this.kallsyms !== null && this.kallsymsSent !== g) {
      this.kallsymsSent = g;
      await Promise.race([g.api.setKallsyms(this.kallsyms), g.crashed]);
    }
    return g;
  }

  async loadSequence(request: SequenceRequest): Promise<SequenceReply> {
    const g = await this.withKallsyms();
    return Promise.race([g.api.loadSequence(request), g.crashed]);
  }

  async runScenario(request: ScenarioRequest): Promise<ScenarioReply> {
    const g = await this.withKallsyms();
    return Promise.race([g.api.runScenario(request), g.crashed]);
  }

  async compareScenario(request: CompareRequest): Promise<CompareReply> {
    const g = await this.withKallsyms();
    return Promise.race([g.api.compareScenario(request), g.crashed]);
  }

  /** Bytes of one section of an open file, as in the file (transferred from the worker). */
  async sectionBytes(handle: number, index: number, offset: number, length: number): Promise<SectionBytesReply> {
    const { api, crashed } = this.generation;
    return Promise.race([api.sectionBytes(handle, index, offset, length), crashed]);
  }

  async kept(): Promise<number> {
    const { api, crashed } = this.generation;
    return Promise.race([api.kept(), crashed]);
  }

  dispose(): void {
    if (!this.current) return;
    this.current.api[Comlink.releaseProxy]();
    this.current.worker.terminate();
    this.current = null;
  }
}
