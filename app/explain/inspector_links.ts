// Links between the explainer and the ELF inspector, both ways. A write in a trace names its
// module (the region it lands in) and, for a relocation, the relocation section and entry of that
// module's ELF; the inspector shows files. This file finds which file a trace's module came from
// (the run's sources: built-in modules or the user's files), opens it in the inspector on that entry, and,
// the other way, finds (or runs) the step where an inspector entry was written.
import { getModinfo } from '../../src/elf/modinfo.ts';
import { strategyById } from '../../src/strategies/strategies.ts';
import { forEachWrite } from '../../src/trace/events.ts';
import type { Trace } from '../../src/trace/types.ts';
import { writeLength } from '../../src/trace/write_log.ts';
import type { BuiltinModule } from '../builtin_modules.ts';
import { relocationWidth } from '../components/section_bytes.ts';
import { goToView } from '../components/ViewSwitch.tsx';
import { type LoadedFile, useKlp } from '../store.ts';
import { explainStore } from './state/explain_store.ts';
import { traceModel } from './state/model.ts';
import type { AppRequest, ModuleRef } from './state/request.ts';
import { handleOf, roleRefs } from './state/run.ts';
import { type WriteRef, writeRef } from './writes/writes.ts';

const baseName = (path: string) => path.split('/').pop() ?? path;
/** What the kernel calls a module built from `file` (KBUILD_MODNAME: the file name, '-' → '_'). */
const nameFromFile = (file: string) =>
  baseName(file)
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replace(/-/g, '_');

function moduleNameOfFile(f: LoadedFile): string {
  return getModinfo(f.module.elf.modinfo, 'name') ?? nameFromFile(f.name);
}

function moduleNameOfRef(ref: ModuleRef, builtins: BuiltinModule[], files: LoadedFile[]): string | undefined {
  if (ref.kind === 'file') {
    const f = files.find((x) => x.key === ref.key);
    return f ? moduleNameOfFile(f) : undefined;
  }
  const s = builtins.find((x) => x.id === ref.id);
  return s ? nameFromFile(s.file) : undefined;
}

/** The modules a source loads, as refs (scenario roles resolved to their defaults). */
function refsOf(source: AppRequest, builtins: BuiltinModule[]): Array<{ ref: ModuleRef; role?: string }> {
  if (source.kind === 'sequence') return source.ops.flatMap((s) => (s.op === 'insmod' ? [{ ref: s.module }] : []));
  // a role nobody chose plays the sample built for the strategy's kernel (a comparison may have several)
  const kernels = new Set(
    (source.kind === 'scenario' ? [source.strategy] : source.strategies).map((s) => strategyById(s)!.kernel),
  );
  return [...kernels].flatMap((k) =>
    Object.entries(roleRefs(source.roles, builtins, k)).map(([role, ref]) => ({ ref, role })),
  );
}

export type ModuleSource = { ok: true; ref: ModuleRef; name: string } | { ok: false; why: string };

/** Which file the trace's `module` was loaded from, in the run on screen. */
export function sourceOfModule(module: string): ModuleSource {
  const { ran, packaging } = explainStore.getState();
  const { builtins, files } = useKlp.getState();
  if (!ran) return { ok: false, why: 'nothing has run' };
  for (const { ref, role } of refsOf(ran, builtins)) {
    if (moduleNameOfRef(ref, builtins, files) !== module) continue;
    if (packaging && role === 'P')
      return {
        ok: false,
        why: `${module} as loaded here is the repackaging ${ran.kind === 'scenario' ? ran.strategy : 'the design'} makes of the livepatch, not the file: its sections and entries are numbered differently`,
      };
    return { ok: true, ref, name: module };
  }
  if (packaging)
    return {
      ok: false,
      why: `${module} is a module the design derives from the livepatch; there is no file of it to inspect`,
    };
  return { ok: false, why: `${module} is not one of the files of this run` };
}

/** Worker handle of the file a module came from (for its section bytes). */
export async function handleOfModule(module: string): Promise<number | undefined> {
  const src = sourceOfModule(module);
  return src.ok ? handleOf(src.ref, useKlp.getState().builtins) : undefined;
}

/** Opens `ref` in the inspector (selecting it if already open); returns the file. */
async function openInInspector(ref: ModuleRef): Promise<LoadedFile | undefined> {
  const klp = useKlp.getState();
  if (ref.kind === 'file') {
    klp.selectFile(ref.key);
    return useKlp.getState().files.find((f) => f.key === ref.key);
  }
  const sample = klp.builtins.find((s) => s.id === ref.id);
  if (!sample) return undefined;
  const open = klp.files.find((f) => f.origin === 'sample' && f.name === baseName(sample.file));
  if (open) {
    klp.selectFile(open.key);
    return open;
  }
  await klp.openBuiltin(sample);
  const now = useKlp.getState();
  return now.files.find((f) => f.key === now.currentKey && f.name === baseName(sample.file));
}

export type LinkResult = { ok: true } | { ok: false; why: string };

/** Write detail → inspector: the relocation entry (Relocations tab), its symbol, or its site's bytes (Hex tab). */
export async function showWriteInInspector(ref: WriteRef, what: 'relocation' | 'symbol' | 'hex'): Promise<LinkResult> {
  const c = ref.write.cause;
  const module = ref.region?.region.module;
  if (!module) return { ok: false, why: 'the write is outside every module region' };
  const src = sourceOfModule(module);
  if (!src.ok) return src;
  const file = await openInInspector(src.ref);
  if (!file) return { ok: false, why: `could not open ${module} in the inspector` };
  const elf = file.module.elf;
  const klp = useKlp.getState();
  if (what === 'hex' || !c) {
    const span = ref.section;
    if (!span) return { ok: false, why: 'the write is not inside a section copied from the file' };
    if (elf.sections[span.sectionIndex]?.name !== span.name)
      return { ok: false, why: `section [${span.sectionIndex}] of ${file.name} is not ${span.name}` };
    const offset = ref.offset - span.offset;
    klp.showHex(span.sectionIndex, {
      offset,
      length: writeLength(ref.write),
      label: c ? `${c.relsecName} #${c.entry}` : (ref.write.what ?? 'write'),
    });
    goToView('inspect');
    return { ok: true };
  }
  const rela = elf.relocations.find((r) => r.sectionIndex === c.relsec);
  if (!rela || rela.name !== c.relsecName || c.entry >= rela.count)
    return { ok: false, why: `${file.name} has no entry ${c.entry} in [${c.relsec}] ${c.relsecName}` };
  if (what === 'symbol') klp.showSymbol(rela.symbols[c.entry]!);
  else klp.showRelocationEntry(c.relsec, c.entry);
  goToView('inspect');
  return { ok: true };
}

/** The write of relocation `entry` of section `relsec` into `module`'s memory, if the trace has it. */
function findEntryWrite(trace: Trace, module: string, relsec: number, entry: number): WriteRef | undefined {
  const map = traceModel(trace).map;
  const log = trace.writes;
  let found: WriteRef | undefined;
  for (let s = 0; s < trace.steps.length && !found; s++)
    forEachWrite(trace.steps[s]!, (row, event) => {
      if (log.relsec[row] !== relsec || log.entry[row] !== entry) return true;
      const ref = writeRef(trace, map, s, event);
      if (ref?.region?.region.module === module) found = ref;
      return !found;
    });
  return found;
}

/** The ref a file of the inspector runs as: its sample (so the run has a permalink), else the file. */
function refOfFile(file: LoadedFile): ModuleRef {
  const sample =
    file.origin === 'sample' ? useKlp.getState().builtins.find((s) => baseName(s.file) === file.name) : undefined;
  return sample ? { kind: 'sample', id: sample.id } : { kind: 'file', key: file.key };
}

/** The module (a sample or an open file) whose kernel name is `name`, for loading a livepatch's target first. */
function refOfModuleName(name: string): ModuleRef | undefined {
  const { builtins, files } = useKlp.getState();
  const f = files.find((x) => moduleNameOfFile(x) === name);
  if (f) return refOfFile(f);
  const s = builtins.find((x) => nameFromFile(x.file) === name && !x.file.includes('unconverted'));
  return s ? { kind: 'sample', id: s.id } : undefined;
}

/**
 * Inspector → explainer: the step where entry `entry` of relocation section `relsec` of `file`
 * was written, selected. Uses the trace on screen if it loaded this file; else runs one that
 * does (the livepatch's target first for a .klp.rela section, so its relocations are applied).
 */
export async function showEntryInExplain(file: LoadedFile, relsec: number, entry: number): Promise<LinkResult> {
  const module = moduleNameOfFile(file);
  const rela = file.module.elf.relocations.find((r) => r.sectionIndex === relsec);
  if (!rela) return { ok: false, why: `no relocation section [${relsec}]` };
  const ex = explainStore.getState();
  const inTrace = ex.trace && ex.ran && ex.ran.kind !== 'compare' && sourceOfModule(module).ok;
  let found = inTrace ? findEntryWrite(ex.trace!, module, relsec, entry) : undefined;
  if (!found) {
    const target = rela.klp && rela.klp.object !== 'vmlinux' ? refOfModuleName(rela.klp.object) : undefined;
    const steps: Array<{ op: 'insmod'; module: ModuleRef }> = [
      ...(target ? [{ op: 'insmod' as const, module: target }] : []),
      { op: 'insmod', module: refOfFile(file) },
    ];
    ex.setSource({
      kind: 'sequence',
      kernel: ex.source.kind === 'sequence' ? ex.source.kernel : '6.1',
      ops: steps,
      fakeMissingSymbols: true,
    });
    goToView('explain');
    await explainStore.getState().run();
    const now = explainStore.getState();
    if (!now.trace)
      return { ok: false, why: now.status.kind === 'error' ? now.status.message : 'the run gave no trace' };
    found = findEntryWrite(now.trace, module, relsec, entry);
  }
  goToView('explain');
  if (!found) {
    const target = file.module.elf.sections[rela.targetSection];
    const alloc = target ? (target.flags & 2n) !== 0n : false;
    return {
      ok: false,
      why: alloc
        ? `entry ${entry} of ${rela.name} was not written in this run (the load stopped before, or its object is not loaded)`
        : `entry ${entry} of ${rela.name} is never written: ${target?.name ?? 'its section'} is not SHF_ALLOC, so the loader skips it`,
    };
  }
  explainStore.getState().seek(found.step);
  explainStore.getState().select({ kind: 'write', step: found.step, event: found.event });
  return { ok: true };
}

/** Highlight of a relocation site for the Hex tab, from the inspector's own tables. */
export function siteOfEntry(
  file: LoadedFile,
  relsec: number,
  entry: number,
): { section: number; offset: number; length: number; label: string } | undefined {
  const rela = file.module.elf.relocations.find((r) => r.sectionIndex === relsec);
  if (!rela || entry >= rela.count) return undefined;
  return {
    section: rela.targetSection,
    offset: Number(rela.offsets[entry]!),
    length: Math.max(1, relocationWidth(rela.types[entry]!)),
    label: `${rela.name} #${entry}`,
  };
}
