// kernel/workqueue.c, as much as the loader and livepatch use: schedule_work() on the system
// workqueue, whose worker runs the item later — do_free_init() after do_init_module() returned,
// klp_free_patch_work_fn() after a disable transition completed. The emulator runs the queued
// items when the operation that queued them returns (process_one_work()), in queue order: the
// earliest a real worker could.
import type { Kernel } from './kernel_types.ts';

interface Work {
  /** The work function's name, as the trace shows it. */
  fn: string;
  run: () => void;
}

const queues = new WeakMap<Kernel, Work[]>();

/** schedule_work(): queue `run` as work function `fn` on the system workqueue. */
export function schedule_work(k: Kernel, fn: string, run: () => void): void {
  let q = queues.get(k);
  if (!q) queues.set(k, (q = []));
  q.push({ fn, run });
}

/** The system workqueue's worker: every queued item, each as process_one_work() → its function. */
export function run_pending_work(k: Kernel): void {
  const q = queues.get(k);
  for (let w = q?.shift(); w; w = q!.shift()) {
    const work = w;
    k.trace.call('process_one_work', () => k.trace.call(work.fn, work.run));
  }
}
