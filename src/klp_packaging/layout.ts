// klpPatchLayout(): which patched function belongs to which klp_object, read from the FILE.
//
// The struct klp_patch is the data word that a R_X86_64_64 relocation against __this_module
// fills (klp_patch.mod = THIS_MODULE), outside .gnu.linkonce.this_module. From there every
// pointer is a relocation (R_X86_64_64 against a section symbol + addend, or a defined symbol
// + addend) at the field's offset: klp_patch.objs (8), klp_object.name (0) / .funcs (8),
// klp_func.old_name (0) / .new_func (8); klp_func.old_sympos (16) is plain data. Layouts are
// 6.1's (src/kernel/livepatch/types.ts): sizeof(klp_object) 168, sizeof(klp_func) 152.
// Arrays end where klp_for_each_object_static / klp_for_each_func_static stop.
//
// Then the static helpers: every function of .text that a patched function reaches through
// code references (assembler-resolved rel32/rel8/RIP-relative, or relocations into .text),
// transitively, without walking into another patched function. A helper reached only from
// one object's functions goes with that object; one reached from several objects, or from
// code that patches nothing (init, exit, …), stays in .text.
import { R_X86_64_64, SHF_ALLOC, SHN_LORESERVE, SHN_UNDEF, STT_FUNC } from '../elf/constants.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import { cString } from '../elf/strings.ts';
import type { ElfObject } from '../elf/types.ts';
import { rangeOf, type TextModel, textModel } from './text_model.ts';

export const SIZEOF_KLP_OBJECT = 168;
export const SIZEOF_KLP_FUNC = 152;
const KLP_PATCH_OBJS = 8;
export const KLP_PATCH_REPLACE = 24;

export interface CodeRange {
  /** The function's symbol. */
  symbol: string;
  section: string;
  /** st_value and st_size. */
  offset: number;
  size: number;
  /** The whole range that moves with it: up to the next function (alignment padding). */
  range: { start: number; end: number };
}

export interface KlpFuncLayout extends CodeRange {
  old_name: string;
  old_sympos: number;
  /** Where the klp_func is (section, offset). */
  struct: { section: string; offset: number };
}

export interface KlpObjectLayout {
  /** null: vmlinux. */
  name: string | null;
  funcs: KlpFuncLayout[];
  /** Static helpers only this object's functions reach. */
  helpers: CodeRange[];
  struct: { section: string; offset: number };
  funcsArray: { section: string; offset: number; count: number };
}

export interface KlpLayout {
  patch: { section: string; offset: number };
  replace: boolean;
  objects: KlpObjectLayout[];
  /** Helpers reached from several objects, or from code that patches nothing: they stay in .text. */
  sharedHelpers: Array<CodeRange & { users: string[] }>;
  /** The objects array: where it is, how many entries (terminator excluded). */
  objsArray: { section: string; offset: number; count: number };
}

/** The name of an object as sections use it: vmlinux for NULL. */
export const objectKey = (name: string | null) => name ?? 'vmlinux';
/** The user of code that patches nothing (init, exit, other functions of the module). */
export const CORE_USER = '(module)';

interface Place {
  section: number;
  offset: number;
}

/** R_X86_64_64 relocations by (section, offset): what each pointer field points at. */
function pointerIndex(elf: ElfObject, model: TextModel) {
  const index = new Map<number, Map<number, { symbol: number; addend: bigint }>>();
  for (const { rel, entries } of model.relocations) {
    if (rel.klp) continue;
    let m = index.get(rel.targetSection);
    if (!m) index.set(rel.targetSection, (m = new Map()));
    for (const e of entries)
      if (e.type === R_X86_64_64) m.set(Number(e.offset), { symbol: e.symbol, addend: e.addend });
  }
  return (at: Place): Place | null => {
    const r = index.get(at.section)?.get(at.offset);
    if (!r) return null;
    const sym = elf.symbols[r.symbol]!;
    if (sym.shndx === SHN_UNDEF || sym.shndx >= SHN_LORESERVE)
      throw new Error(
        `${elf.sections[at.section]!.name}+0x${at.offset.toString(16)}: points at ${sym.name}, not into the module`,
      );
    return { section: sym.shndx, offset: Number(sym.value + r.addend) };
  };
}

export function klpPatchLayout(bytes: Uint8Array, elf: ElfObject, model: TextModel = textModel(bytes, elf)): KlpLayout {
  const secName = (i: number) => elf.sections[i]!.name;
  const thisModule = elf.symbols.find((s) => s.name === '__this_module' && s.shndx !== SHN_UNDEF);
  if (!thisModule) throw new Error(`${elf.fileName}: no __this_module`);
  let patch: Place | undefined;
  for (const { rel, entries } of model.relocations) {
    const target = elf.sections[rel.targetSection]!;
    if (!(target.flags & SHF_ALLOC) || target.name === '.gnu.linkonce.this_module') continue;
    const e = entries.find((e) => e.type === R_X86_64_64 && e.symbol === thisModule.index && e.addend === 0n);
    if (e) {
      patch = { section: rel.targetSection, offset: Number(e.offset) };
      break;
    }
  }
  if (!patch) throw new Error(`${elf.fileName}: no struct klp_patch (no data word relocated against __this_module)`);

  const pointer = pointerIndex(elf, model);
  const data = (at: Place, n: number) =>
    sectionBytes(bytes, elf.sections[at.section]!).subarray(at.offset, at.offset + n);
  const u64 = (at: Place) => {
    const b = data(at, 8);
    return b.length === 8 ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : 0n;
  };
  const string = (at: Place) => cString(sectionBytes(bytes, elf.sections[at.section]!), at.offset);
  const add = (at: Place, n: number): Place => ({ section: at.section, offset: at.offset + n });
  const where = (at: Place) => ({ section: secName(at.section), offset: at.offset });
  const nonNull = (at: Place) => pointer(at) !== null || u64(at) !== 0n;

  const objsAt = pointer(add(patch, KLP_PATCH_OBJS));
  if (!objsAt) throw new Error(`${elf.fileName}: klp_patch.objs is NULL`);
  const replace = data(add(patch, KLP_PATCH_REPLACE), 1)[0] !== 0;

  const objects: KlpObjectLayout[] = [];
  const patchedRange = new Map<number, string>(); // range index -> object
  for (let o = objsAt; nonNull(o) || nonNull(add(o, 8)); o = add(o, SIZEOF_KLP_OBJECT)) {
    const namePtr = pointer(o);
    const name = namePtr ? string(namePtr) : null;
    const funcsAt = pointer(add(o, 8));
    if (!funcsAt) throw new Error(`klp_object ${objectKey(name)}: funcs is NULL`);
    const funcs: KlpFuncLayout[] = [];
    let f = funcsAt;
    for (; nonNull(f) || nonNull(add(f, 8)) || u64(add(f, 16)) !== 0n; f = add(f, SIZEOF_KLP_FUNC)) {
      const oldName = pointer(f);
      const newFunc = pointer(add(f, 8));
      if (!oldName || !newFunc)
        throw new Error(`klp_func at ${secName(f.section)}+0x${f.offset.toString(16)}: old_name or new_func is NULL`);
      const key = objectKey(name);
      if (newFunc.section !== model.textIndex) {
        // already packaged (or built with -ffunction-sections): described, never moved
        const sym = elf.symbols.find(
          (s) => s.shndx === newFunc.section && Number(s.value) === newFunc.offset && s.type === STT_FUNC,
        );
        if (!sym)
          throw new Error(
            `${string(oldName)}: no function at ${secName(newFunc.section)}+0x${newFunc.offset.toString(16)}`,
          );
        const size = Number(sym.size);
        funcs.push({
          old_name: string(oldName),
          old_sympos: Number(u64(add(f, 16))),
          symbol: sym.name,
          section: secName(newFunc.section),
          offset: newFunc.offset,
          size,
          range: { start: newFunc.offset, end: newFunc.offset + size },
          struct: where(f),
        });
        continue;
      }
      const r = rangeOf(model, newFunc.offset);
      const range = model.ranges[r];
      if (!range || range.start !== newFunc.offset)
        throw new Error(`${string(oldName)}: new_func .text+0x${newFunc.offset.toString(16)} is not a function start`);
      if (patchedRange.has(r) && patchedRange.get(r) !== key)
        throw new Error(`${range.name} replaces functions of two objects (${patchedRange.get(r)}, ${key})`);
      patchedRange.set(r, key);
      funcs.push({
        old_name: string(oldName),
        old_sympos: Number(u64(add(f, 16))),
        ...codeRange(model, r),
        struct: where(f),
      });
    }
    objects.push({
      name,
      funcs,
      helpers: [],
      struct: where(o),
      funcsArray: { ...where(funcsAt), count: funcs.length },
    });
  }

  // Helpers: who reaches each range.
  const edges = model.ranges.map(() => new Set<number>());
  const coreRoots = new Set<number>();
  for (const ref of model.refs) {
    const to = rangeOf(model, ref.target);
    if (to < 0) continue;
    if (ref.section === model.textIndex) edges[rangeOf(model, ref.site)]!.add(to);
    else coreRoots.add(to); // code outside .text (init, exit) reaching into it
  }
  const reach = (roots: Iterable<number>, self: string | null): Set<number> => {
    const seen = new Set<number>();
    const stack = [...roots];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r)) continue;
      const owner = patchedRange.get(r);
      if (owner !== undefined && owner !== self) continue; // another object's function: its own helpers
      seen.add(r);
      stack.push(...edges[r]!);
    }
    return seen;
  };
  const users = model.ranges.map(() => new Set<string>());
  for (const obj of objects) {
    const key = objectKey(obj.name);
    const roots = [...patchedRange].filter(([, o]) => o === key).map(([r]) => r);
    for (const r of reach(roots, key)) users[r]!.add(key);
  }
  model.ranges.forEach((_, r) => {
    if (!patchedRange.has(r) && users[r]!.size === 0) coreRoots.add(r);
  });
  for (const r of reach(coreRoots, null)) users[r]!.add(CORE_USER);

  const sharedHelpers: KlpLayout['sharedHelpers'] = [];
  model.ranges.forEach((_, r) => {
    if (patchedRange.has(r)) return;
    const u = [...users[r]!];
    if (u.length === 1 && u[0] !== CORE_USER)
      objects.find((o) => objectKey(o.name) === u[0])!.helpers.push(codeRange(model, r));
    else if (u.some((x) => x !== CORE_USER)) sharedHelpers.push({ ...codeRange(model, r), users: u.sort() });
  });

  return {
    patch: where(patch),
    replace,
    objects,
    sharedHelpers,
    objsArray: { ...where(objsAt), count: objects.length },
  };
}

function codeRange(model: TextModel, r: number): CodeRange {
  const range = model.ranges[r]!;
  return {
    symbol: range.name,
    section: model.elf.sections[model.textIndex]!.name,
    offset: range.start,
    size: range.size,
    range: { start: range.start, end: range.end },
  };
}

/** The range indices of the layout's functions and helpers, by object key. */
export function rangesByObject(model: TextModel, layout: KlpLayout): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const o of layout.objects) {
    const rs = [...o.funcs, ...o.helpers]
      .filter((f) => f.section === '.text')
      .map((f) => rangeOf(model, f.range.start));
    out.set(
      objectKey(o.name),
      [...new Set(rs)].sort((a, b) => a - b),
    );
  }
  return out;
}
