// klp-lab scenario --strategy S --scenario C [--format ascii|json] [--step N]
// klp-lab compare --scenario C: the metrics of every strategy side by side.
// Modules default to the built-in samples; --patch/--target/--target2/--replace name others.
import { readFileSync } from 'node:fs';
import { decodedModule, type ModuleFile } from '../engine/modules.ts';
import { parseScenarioId, parseStrategyId } from '../engine/parse.ts';
import type { RoleModules } from '../engine/request.ts';
import { run, type ScenarioResult } from '../engine/run.ts';
import { type KallsymsEntry, parseKallsyms } from '../kernel/kallsyms.ts';
import { demoRoleFiles } from '../scenarios/demo_roles.ts';
import { ROLES, type Role, type ScenarioId, scenarioById, scenarios } from '../scenarios/scenarios.ts';
import { type StrategyId, strategies, strategyById } from '../strategies/strategies.ts';
import { stepAscii, traceAscii } from '../trace/ascii.ts';
import { traceToJson } from '../trace/json.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { CliError, readModule } from './io.ts';
import { defaultVmlinuxTable } from './kallsyms.ts';
import { say, sayJson, sayLines } from './output.ts';

async function modules(args: ParsedArgs): Promise<RoleModules<ModuleFile>> {
  const patch = args.string('patch');
  const given: Partial<Record<Role, string | undefined>> = {
    P: patch,
    T: args.string('target'),
    T2: args.string('target2'),
    R: args.string('replace'),
  };
  const out: RoleModules<ModuleFile> = {};
  for (const role of ROLES) {
    const path =
      given[role] ??
      (patch ? undefined : new URL(`../../public/samples/${demoRoleFiles[role]}`, import.meta.url).pathname);
    if (!path) continue;
    const { bytes, elf } = await readModule(path);
    out[role] = { fileName: path.split('/').at(-1)!, bytes, elf };
  }
  return out;
}

const vmlinux = (path?: string) => {
  try {
    return parseKallsyms(readFileSync(path ?? defaultVmlinuxTable, 'utf8'));
  } catch {
    throw new CliError(`${path}: cannot read kallsyms file`);
  }
};

const scenarioId = (value: string): ScenarioId => {
  const id = parseScenarioId(value);
  if (!id) throw new UsageError(`--scenario ${value}: not one of ${scenarios.map((s) => s.id).join(', ')}`);
  return id;
};

/** One strategy over one scenario on modules already read (every role's file was read up front). */
const runOne = (strategy: StrategyId, scenario: ScenarioId, roles: RoleModules<ModuleFile>, table: KallsymsEntry[]) =>
  run({ kind: 'scenario', strategy, scenario, roles }, decodedModule, { vmlinux: table });

export async function scenarioCommand(args: ParsedArgs): Promise<number> {
  const strategyArg = args.string('strategy') ?? 'text-poke';
  const strategy = parseStrategyId(strategyArg);
  if (!strategy)
    throw new UsageError(`--strategy ${strategyArg}: not one of ${strategies.map((s) => s.id).join(', ')}`);
  const scenario = scenarioId(args.string('scenario') ?? 'late-load');
  const step = args.step();
  const result = await runOne(strategy, scenario, await modules(args), vmlinux(args.string('kallsyms')));
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
  const mods = await modules(args);
  const table = vmlinux(args.string('kallsyms'));
  // strategy by strategy, not one 'compare' request: an error in one design stops the command
  const rows: Array<ReturnType<typeof metricsRow>> = [];
  for (const s of strategies) rows.push(metricsRow(await runOne(s.id, scenario, mods, table)));
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
