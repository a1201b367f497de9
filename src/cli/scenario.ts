// klp-lab scenario --strategy S --scenario C [--kernel K] [--format ascii|json] [--step N]
// klp-lab compare --scenario C [--kernel K]: the metrics of every strategy side by side.
// Each strategy runs on its own kernel profile, or on --kernel's. Modules default to the
// built-in samples built for that kernel (klp/ for 6.1, klp-6.12/ for 6.12), the vmlinux table to
// its shipped one; --patch/--target/--target2/--replace and --kallsyms name others.
import { readFileSync } from 'node:fs';
import { kernelChoices } from '../engine/kernels.ts';
import { decodedModule, type ModuleFile } from '../engine/modules.ts';
import { parseScenarioId, parseStrategyId } from '../engine/parse.ts';
import type { RoleModules } from '../engine/request.ts';
import { run, type ScenarioResult } from '../engine/run.ts';
import { type KallsymsEntry, parseKallsyms } from '../kernel/kallsyms.ts';
import type { KernelId } from '../kernel/profile.ts';
import { demoRoleFiles } from '../scenarios/demo_roles.ts';
import { ROLES, type Role, type ScenarioId, scenarioById, scenarios } from '../scenarios/scenarios.ts';
import { type StrategyId, strategies, strategyById } from '../strategies/strategies.ts';
import { stepAscii, traceAscii } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { CliError, readModule } from './io.ts';
import { shippedVmlinuxTable } from './kallsyms.ts';
import { say, sayJson, sayLines } from './output.ts';

/** Each file read once, whichever strategies play it. */
const files = new Map<string, Promise<ModuleFile>>();
const readOnce = (path: string): Promise<ModuleFile> => {
  let f = files.get(path);
  if (!f)
    files.set(
      path,
      (f = readModule(path).then(({ bytes, elf }) => ({ fileName: path.split('/').at(-1)!, bytes, elf }))),
    );
  return f;
};

/** The module of each role on `kernel`: the files named, else (no --patch) the demo build of that kernel. */
async function modules(args: ParsedArgs, kernel: KernelId): Promise<RoleModules<ModuleFile>> {
  const patch = args.string('patch');
  const given: Partial<Record<Role, string | undefined>> = {
    P: patch,
    T: args.string('target'),
    T2: args.string('target2'),
    R: args.string('replace'),
  };
  const demo = demoRoleFiles(kernelChoices[kernel].samples);
  const out: RoleModules<ModuleFile> = {};
  for (const role of ROLES) {
    const path =
      given[role] ?? (patch ? undefined : new URL(`../../public/samples/${demo[role]}`, import.meta.url).pathname);
    if (path) out[role] = await readOnce(path);
  }
  return out;
}

const tables = new Map<string, KallsymsEntry[]>();
/** --kallsyms, else the shipped table of `kernel`; each file parsed once. */
const vmlinux = (args: ParsedArgs, kernel: KernelId): KallsymsEntry[] => {
  const path = args.string('kallsyms') ?? shippedVmlinuxTable(kernel).pathname;
  let table = tables.get(path);
  if (!table) {
    try {
      tables.set(path, (table = parseKallsyms(readFileSync(path, 'utf8'))));
    } catch {
      throw new CliError(`${path}: cannot read kallsyms file`);
    }
  }
  return table;
};

/** --kernel, a profile every strategy runs on instead of its own. */
const kernelOverride = (args: ParsedArgs) => args.string('kernel') as KernelId | undefined;

const scenarioId = (value: string): ScenarioId => {
  const id = parseScenarioId(value);
  if (!id) throw new UsageError(`--scenario ${value}: not one of ${scenarios.map((s) => s.id).join(', ')}`);
  return id;
};

/** One strategy over one scenario, on its kernel (or --kernel's) with that kernel's modules and table. */
async function runOne(args: ParsedArgs, strategy: StrategyId, scenario: ScenarioId): Promise<ScenarioResult> {
  const kernel = kernelOverride(args);
  const on = kernel ?? strategyById(strategy)!.kernel;
  const roles = await modules(args, on);
  return run({ kind: 'scenario', strategy, scenario, roles, ...(kernel ? { kernel } : {}) }, decodedModule, {
    vmlinux: vmlinux(args, on),
  });
}

export async function scenarioCommand(args: ParsedArgs): Promise<number> {
  const strategyArg = args.string('strategy') ?? 'text-poke';
  const strategy = parseStrategyId(strategyArg);
  if (!strategy)
    throw new UsageError(`--strategy ${strategyArg}: not one of ${strategies.map((s) => s.id).join(', ')}`);
  const scenario = scenarioId(args.string('scenario') ?? 'late-load');
  const step = args.step();
  const result = await runOne(args, strategy, scenario);
  if (!result.trace) {
    say(String(result.refused));
    return 0;
  }
  if (args.string('format') === 'json') {
    sayJson(traceToJson(result.trace, step));
    return 0;
  }
  const s = strategyById(strategy)!;
  say(`${s.id} × ${scenario}: ${s.name}${s.reconstruction ? ' (reconstruction of a proposal)' : ''}`);
  for (const o of result.ops)
    say(`  ${o.ok ? 'ok    ' : 'FAILED'} ${o.op.op} ${o.module}${o.message ? `: ${o.message}` : ''}`);
  sayLines(step === undefined ? traceAscii(result.trace) : stepAscii(result.trace, step));
  return 0;
}

/** The columns `klp-lab compare` prints for one strategy, or its refusal. */
function metricsRow(result: ScenarioResult) {
  if (!result.trace || !result.audit) return { strategy: result.strategy, refused: result.refused };
  const { metrics: m, verdicts } = result.audit;
  const failed = result.ops.find((o) => !o.ok);
  return {
    strategy: result.strategy,
    outcome: failed
      ? `${failed.op.op} ${failed.module} failed: ${failed.errno}${failed.choice ? ' (a reconstruction’s own choice)' : ''}`
      : 'all ok',
    steps: m.steps,
    rwxWindows: m.rwxWindows.length,
    rwxFtrace: m.rwxWindows.filter((w) => w.ftrace).length,
    rwxSteps: m.rwxWindows.reduce((n, w) => n + w.to - w.from + 1, 0),
    rwxPages: Math.max(0, ...m.rwxWindows.map((w) => w.maxPages)),
    writableAfterExec: m.pagesWritableAfterExec,
    setMemory: Object.values(m.setMemory).reduce((a, b) => a + b, 0),
    tlbFlushes: m.tlbFlushes.flush_tlb_one_kernel + m.tlbFlushes.flush_tlb_all,
    textPokes: m.textPokes,
    syncs: m.textPokeSyncs,
    verdicts: verdicts.length,
  };
}

export async function compareCommand(args: ParsedArgs): Promise<number> {
  const scenario = scenarioId(args.string('scenario') ?? 'late-load');
  // strategy by strategy, not one 'compare' request: an error in one design stops the command
  const rows: Array<ReturnType<typeof metricsRow>> = [];
  for (const s of strategies) rows.push(metricsRow(await runOne(args, s.id, scenario)));
  if (args.flag('json')) {
    sayJson(JSON.stringify(rows, null, 2));
    return 0;
  }
  say(`scenario ${scenario}: ${scenarioById(scenario)!.title}`);
  say('strategy         rwx win/steps/pages  ftrace  W-after-X  set_memory  TLB  pokes  syncs  outcome');
  for (const r of rows) {
    if ('refused' in r) {
      say(`${r.strategy.padEnd(16)} ${r.refused}`);
      continue;
    }
    say(
      `${r.strategy.padEnd(16)} ${`${r.rwxWindows}/${r.rwxSteps}/${r.rwxPages}`.padStart(19)}  ${String(r.rwxFtrace).padStart(6)}  ${String(r.writableAfterExec).padStart(9)}  ${String(r.setMemory).padStart(10)}  ${String(r.tlbFlushes).padStart(3)}  ${String(r.textPokes).padStart(5)}  ${String(r.syncs).padStart(5)}  ${r.outcome}`,
    );
  }
  return 0;
}
