// The explainer's view state (zustand, vanilla: the canvas and key handlers subscribe outside
// React). Which trace, which step, what is selected, playback. Derived data lives in model.ts.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Outcome } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { initialSource, takeLinkedStep } from '../../permalink/link_state.ts';
import { useKlp } from '../../store.ts';
import { compareStore } from '../compare/compare_store.ts';
import { phaseNeighbour, traceModel } from './model.ts';
import { type AppRequest, DEFAULT_SOURCE } from './request.ts';
import { runSource } from './run.ts';

export type Selection = { kind: 'none' } | { kind: 'write'; step: number; event: number };

export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'ready'; runMs: number; totalMs: number }
  | { kind: 'error'; message: string };

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export interface ExplainState {
  /** What to run (the picker edits it; run() turns it into a trace). */
  source: AppRequest;
  /** The source of the trace on screen (the picker may have been edited since). */
  ran: AppRequest | null;
  status: RunStatus;
  trace: Trace | null;
  /** What happened to each requested insmod/rmmod. */
  outcomes: Outcome[];
  /** How the strategy of a scenario run repackages the livepatch (klp-text, split…). */
  packaging?: Packaging | undefined;
  /** Current step index; the map shows memory at the end of this step. */
  step: number;
  selection: Selection;
  playing: boolean;
  /** Steps per second while playing. */
  speed: number;
  /** Incremented per run: a reply for an older run is dropped. */
  seq: number;

  setSource(source: AppRequest): void;
  run(): Promise<void>;
  /** Show an existing trace (e.g. from a test or, later, the core's runScenario). */
  showTrace(trace: Trace, outcomes?: Outcome[]): void;
  stepTo(step: number): void;
  stepBy(delta: number): void;
  first(): void;
  last(): void;
  phase(dir: -1 | 1): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  setSpeed(speed: number): void;
  select(selection: Selection): void;
}

const clampStep = (trace: Trace | null, n: number) =>
  trace ? Math.max(0, Math.min(trace.steps.length - 1, Math.round(n))) : 0;

export const explainStore = createStore<ExplainState>()((set, get) => ({
  source: initialSource() ?? DEFAULT_SOURCE,
  ran: null,
  status: { kind: 'idle' },
  trace: null,
  outcomes: [],
  step: 0,
  selection: { kind: 'none' },
  playing: false,
  speed: 2,
  seq: 0,

  setSource: (source) => set({ source }),

  run: async () => {
    const seq = get().seq + 1;
    set({ seq, status: { kind: 'running' }, playing: false });
    const source = get().source;
    if (source.kind === 'compare') {
      // The comparison has its own store and cursor; this one only remembers what is on screen.
      set({
        trace: null,
        ran: source,
        outcomes: [],
        packaging: undefined,
        status: { kind: 'ready', runMs: 0, totalMs: 0 },
      });
      await compareStore.getState().run(source);
      return;
    }
    try {
      const r = await runSource(source, useKlp.getState().samples);
      if (get().seq !== seq) return;
      if (!r.trace) {
        set({
          trace: null,
          ran: source,
          outcomes: [],
          packaging: undefined,
          status: { kind: 'error', message: r.refused ?? 'no trace' },
        });
        return;
      }
      traceModel(r.trace);
      // The permalink's step and selection, on the first run of the linked source.
      const linked = takeLinkedStep(source, useKlp.getState().files, r.trace.steps);
      const step = clampStep(r.trace, linked.step ?? 0);
      const selection: Selection = linked.select ? { kind: 'write', ...linked.select } : { kind: 'none' };
      set({
        trace: r.trace,
        ran: source,
        outcomes: r.outcomes,
        packaging: r.packaging,
        step,
        selection,
        status: { kind: 'ready', runMs: r.runMs, totalMs: r.totalMs },
      });
    } catch (e) {
      if (get().seq !== seq) return;
      set({ status: { kind: 'error', message: e instanceof Error ? e.message : String(e) } });
    }
  },

  showTrace: (trace, outcomes = []) =>
    set({
      trace,
      outcomes,
      step: 0,
      selection: { kind: 'none' },
      playing: false,
      status: { kind: 'ready', runMs: 0, totalMs: 0 },
    }),

  stepTo: (step) => {
    const next = clampStep(get().trace, step);
    if (next !== get().step) set({ step: next });
  },
  stepBy: (delta) => get().stepTo(get().step + delta),
  first: () => set({ step: 0, playing: false }),
  last: () => set({ step: clampStep(get().trace, Infinity), playing: false }),
  phase: (dir) => {
    const { trace, step } = get();
    if (trace) get().stepTo(phaseNeighbour(traceModel(trace), step, dir));
  },
  play: () => {
    const { trace, step } = get();
    if (!trace) return;
    // Playing from the last step starts over.
    set({ playing: true, ...(step >= trace.steps.length - 1 ? { step: 0 } : {}) });
  },
  pause: () => set({ playing: false }),
  togglePlay: () => (get().playing ? get().pause() : get().play()),
  setSpeed: (speed) => set({ speed }),
  select: (selection) => set({ selection }),
}));

export function useExplain<T>(selector: (s: ExplainState) => T): T {
  return useStore(explainStore, selector);
}
