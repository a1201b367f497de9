// klp-lab scenario --strategy S --scenario C [--format ascii|json] [--step N]
// klp-lab compare --scenario C: the metrics of every strategy side by side.
// Modules default to the built-in samples; --patch/--target/--target2/--replace name others.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditTrace } from '../audit/auditor.ts';
import { parseKallsyms } from '../kernel/kallsyms.ts';
import { runScenario, type ScenarioModules } from '../scenarios/run.ts';
import { sampleFiles } from '../scenarios/samples.ts';
import { type Role, scenarioById, scenarios } from '../scenarios/scenarios.ts';
import { strategies, strategyById } from '../strategies/strategies.ts';
import { stepAscii, traceAscii } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import { CliError, defaultVmlinuxTable, readModule } from './io.ts';

const moduleOptions = {
  patch: { type: 'string' },
  target: { type: 'string' },
  target2: { type: 'string' },
  replace: { type: 'string' },
  kallsyms: { type: 'string' },
} as const;

async function modules(values: {
  patch?: string;
  target?: string;
  target2?: string;
  replace?: string;
}): Promise<ScenarioModules> {
  const given: Partial<Record<Role, string | undefined>> = {
    P: values.patch,
    T: values.target,
    T2: values.target2,
    R: values.replace,
  };
  const out: ScenarioModules = {};
  for (const role of ['T', 'T2', 'P', 'R'] as Role[]) {
    const path =
      given[role] ??
      (values.patch ? undefined : new URL(`../../public/samples/${sampleFiles[role]}`, import.meta.url).pathname);
    if (!path) continue;
    const { bytes, elf } = await readModule(path);
    out[role] = { fileName: path.split('/').at(-1)!, bytes, elf };
  }
  return out;
}

const vmlinux = (path?: string) => parseKallsyms(readFileSync(path ?? defaultVmlinuxTable, 'utf8'));

export async function scenarioCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...moduleOptions,
      strategy: { type: 'string', default: 'text-poke' },
      scenario: { type: 'string', default: 'late-load' },
      format: { type: 'string', default: 'ascii' },
      step: { type: 'string' },
    },
  });
  if (!strategyById(values.strategy))
    throw new CliError(`--strategy ${values.strategy}: one of ${strategies.map((s) => s.id).join(', ')}`);
  if (!scenarioById(values.scenario))
    throw new CliError(`--scenario ${values.scenario}: one of ${scenarios.map((s) => s.id).join(', ')}`);
  const run = runScenario(values.strategy, values.scenario, await modules(values), vmlinux(values.kallsyms));
  if (run.kind === 'refused') {
    console.log(run.reason);
    return 0;
  }
  const step = values.step === undefined ? undefined : Number(values.step);
  if (values.format === 'json') {
    console.log(traceToJson(run.trace, step));
    return 0;
  }
  console.log(
    `${run.strategy.id} × ${run.scenario.id}: ${run.strategy.name}${run.strategy.reconstruction ? ' (reconstruction of a proposal)' : ''}`,
  );
  for (const o of run.outcomes)
    console.log(`  ${o.ok ? 'ok    ' : 'FAILED'} ${o.op.op} ${o.module}${o.message ? `: ${o.message}` : ''}`);
  console.log((step === undefined ? traceAscii(run.trace) : stepAscii(run.trace, step)).join('\n'));
  return 0;
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...moduleOptions,
      scenario: { type: 'string', default: 'late-load' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!scenarioById(values.scenario))
    throw new CliError(`--scenario ${values.scenario}: one of ${scenarios.map((s) => s.id).join(', ')}`);
  const mods = await modules(values);
  const table = vmlinux(values.kallsyms);
  const rows = strategies.map((s) => {
    const run = runScenario(s.id, values.scenario, mods, table);
    if (run.kind === 'refused') return { strategy: s.id, refused: run.reason };
    const { metrics: m, verdicts } = auditTrace(run.trace);
    const failed = run.outcomes.find((o) => !o.ok);
    return {
      strategy: s.id,
      outcome: failed ? `${failed.op.op} ${failed.module} failed: ${failed.errno}` : 'all ok',
      steps: m.steps,
      rwxWindows: m.rwxWindows.length,
      rwxSteps: m.rwxWindows.reduce((n, w) => n + w.to - w.from + 1, 0),
      rwxPages: Math.max(0, ...m.rwxWindows.map((w) => w.maxPages)),
      writableAfterExec: m.pagesWritableAfterExec,
      setMemory: Object.values(m.setMemory).reduce((a, b) => a + b, 0),
      tlbFlushes: m.tlbFlushes.flush_tlb_kernel_range + m.tlbFlushes.flush_tlb_all,
      textPokes: m.textPokes,
      syncs: m.textPokeSyncs,
      verdicts: verdicts.length,
    };
  });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  console.log(`scenario ${values.scenario}: ${scenarioById(values.scenario)!.title}`);
  console.log('strategy         rwx win/steps/pages  W-after-X  set_memory  TLB  pokes  syncs  outcome');
  for (const r of rows) {
    if ('refused' in r) {
      console.log(`${r.strategy.padEnd(16)} ${r.refused}`);
      continue;
    }
    console.log(
      `${r.strategy.padEnd(16)} ${`${r.rwxWindows}/${r.rwxSteps}/${r.rwxPages}`.padStart(19)}  ${String(r.writableAfterExec).padStart(9)}  ${String(r.setMemory).padStart(10)}  ${String(r.tlbFlushes).padStart(3)}  ${String(r.textPokes).padStart(5)}  ${String(r.syncs).padStart(5)}  ${r.outcome}`,
    );
  }
  return 0;
}
