// Two packagings of ONE monolithic livepatch module, as the designs that never shipped describe them
// (per-object .klp.text: 20191018130342.GA4625@linux-8ccs; one module per object: Petr Mladek's
// POC, 20200117150323.21801-1-pmladek@suse.com):
//
// packageKlpText() — the October 2019 proposal (strategy B): each object's functions, and the
//   static helpers only they use, move out of `.text` into `.klp.text.<obj>` (vmlinux for the
//   NULL name), page-aligned and padded to whole pages so the loader can protect each alone.
//   One module comes out; its klp structures are unchanged (klp_func.new_func is retargeted).
//
// packageSplit() — Petr Mladek's January 2020 POC (strategy C): a main module for vmlinux named
//   like the patch, and one module `<patch>__<obj>` per patched module. Each keeps:
//   - the code of its own object(s) in `.klp.text.<obj>` (with their relocations, `.klp.rela`
//     included); the other objects' code, relocations and table entries are dropped;
//   - the rest of `.text` it needs: the code that patches nothing (init/exit and their
//     helpers) and every shared helper one of its objects uses — a helper shared by objects in
//     different modules is DUPLICATED, one copy per module;
//   - all data, with its own struct klp_patch whose `objs` array lists only its own object(s)
//     (the other klp_object entries are removed, the array re-terminated; the dropped objects'
//     klp_func arrays are zeroed and lose their relocations); a sub-module's klp_patch has
//     `replace` cleared (the POC keeps `replace` on the main patch only);
//   - `.modinfo` name= and struct module's name (offset 24, 56 bytes) set to its own name.
//   Under a 6.1 kernel each module is therefore a self-contained livepatch whose init calls
//   klp_enable_patch() for its own objects. The POC's own API — klp_add_object(), struct
//   klp_patch.obj_names[], klp_object.patch_name, request_module() of the sub-modules — does not
//   exist in any kernel and is NOT encoded in the files; `objects` in the result carries what an
//   emulation of it needs: per sub-module, the object name and which new function symbol
//   replaces which old function.

import { getModinfo } from '../elf/modinfo.ts';
import type { ElfObject } from '../elf/types.ts';
import {
  CORE_USER,
  KLP_PATCH_REPLACE,
  type KlpLayout,
  klpPatchLayout,
  objectKey,
  rangesByObject,
  SIZEOF_KLP_FUNC,
  SIZEOF_KLP_OBJECT,
} from './layout.ts';
import { type Edit, type NewSectionReport, type RelayoutStats, relayoutText } from './relayout.ts';
import { rangeOf, textModel } from './text_model.ts';

export interface KlpTextPackage {
  bytes: Uint8Array;
  layout: KlpLayout;
  /** For the UI: one row per `.klp.text.<obj>`. */
  sections: NewSectionReport[];
  stats: RelayoutStats;
}

const klpTextName = (object: string) => `.klp.text.${object}`;
const objectOfSection = (section: string) => section.slice('.klp.text.'.length);

export function packageKlpText(bytes: Uint8Array, elf: ElfObject): KlpTextPackage {
  const model = textModel(bytes, elf);
  const layout = klpPatchLayout(bytes, elf, model);
  const dest: Array<string | null> = model.ranges.map(() => '.text');
  for (const [object, ranges] of rangesByObject(model, layout)) for (const r of ranges) dest[r] = klpTextName(object);
  const out = relayoutText(model, { dest, objectOf: objectOfSection });
  return { bytes: out.bytes, layout, sections: out.sections, stats: out.stats };
}

export interface SplitFunction {
  old_name: string;
  old_sympos: number;
  /** The replacing function's symbol in the module. */
  new_func: string;
}

export interface SplitModule {
  /** Module name: the patch's for the main module, `<patch>__<obj>` for the others. */
  name: string;
  main: boolean;
  /** Objects it patches (object keys; vmlinux for NULL). */
  objects: Array<{ object: string; funcs: SplitFunction[] }>;
  bytes: Uint8Array;
  sections: NewSectionReport[];
  stats: RelayoutStats;
  /** `.text` functions it keeps (patching nothing, or shared helpers), and those it drops. */
  keptInText: string[];
  dropped: string[];
}

export interface SplitPackage {
  patchName: string;
  layout: KlpLayout;
  modules: SplitModule[];
  /** Helpers shared across modules, duplicated into each module that uses them. */
  duplicated: Array<{ symbol: string; modules: string[] }>;
}

const MODULE_NAME_OFFSET = 24; // offsetof(struct module, name), 6.1 x86-64
const MODULE_NAME_LEN = 56;

export function packageSplit(bytes: Uint8Array, elf: ElfObject): SplitPackage {
  const model = textModel(bytes, elf);
  const layout = klpPatchLayout(bytes, elf, model);
  const patchName = getModinfo(elf.modinfo, 'name');
  if (!patchName) throw new Error(`${elf.fileName}: no name= in .modinfo`);
  const owned = rangesByObject(model, layout);
  const ownerOf = new Map<number, string>();
  for (const [object, ranges] of owned) for (const r of ranges) ownerOf.set(r, object);
  const shared = new Map(layout.sharedHelpers.map((h) => [rangeOf(model, h.range.start), h.users]));

  const groups: Array<{ name: string; main: boolean; objects: string[] }> = [
    { name: patchName, main: true, objects: layout.objects.filter((o) => o.name === null).map(() => 'vmlinux') },
    ...layout.objects
      .filter((o) => o.name !== null)
      .map((o) => ({ name: `${patchName}__${o.name}`, main: false, objects: [o.name!] })),
  ];
  const modules = groups.map((g): SplitModule => {
    if (g.name.length >= MODULE_NAME_LEN) throw new Error(`${g.name}: longer than MODULE_NAME_LEN - 1`);
    const mine = new Set(g.objects);
    const dest = model.ranges.map((_, r): string | null => {
      const owner = ownerOf.get(r);
      if (owner !== undefined) return mine.has(owner) ? klpTextName(owner) : null;
      const users = shared.get(r);
      if (!users) return '.text'; // patches nothing: init, exit, their helpers
      return users.some((u) => u === CORE_USER || mine.has(u)) ? '.text' : null;
    });
    const out = relayoutText(model, {
      dest,
      objectOf: objectOfSection,
      preEdit: (edit) => keepOnlyObjects(edit, layout, mine, !g.main),
      postEdit: (edit) => renameModule(edit, g.name),
    });
    return {
      name: g.name,
      main: g.main,
      objects: layout.objects
        .filter((o) => mine.has(objectKey(o.name)))
        .map((o) => ({
          object: objectKey(o.name),
          funcs: o.funcs.map((f) => ({ old_name: f.old_name, old_sympos: f.old_sympos, new_func: f.symbol })),
        })),
      bytes: out.bytes,
      sections: out.sections,
      stats: out.stats,
      keptInText: model.ranges.flatMap((r, i) => (dest[i] === '.text' ? [r.name] : [])),
      dropped: model.ranges.flatMap((r, i) => (dest[i] === null ? [r.name] : [])),
    };
  });
  const duplicated = layout.sharedHelpers
    .map((h) => ({
      symbol: h.symbol,
      modules: modules.filter((m) => m.keptInText.includes(h.symbol)).map((m) => m.name),
    }))
    .filter((d) => d.modules.length > 1);
  return { patchName, layout, modules, duplicated };
}

/** struct klp_patch.objs lists only `keep`; the other objects' klp_func arrays are zeroed. */
function keepOnlyObjects(edit: Edit, layout: KlpLayout, keep: Set<string>, clearReplace: boolean): void {
  const { elf } = edit.model;
  const sectionNamed = (name: string) => elf.sections.findIndex((s) => s.name === name);
  const relaOf = (section: number) =>
    edit.model.relocations.find((r) => r.rel.targetSection === section && !r.rel.klp)?.rel.sectionIndex;
  const inSpan = (off: bigint, from: number, to: number) => off >= BigInt(from) && off < BigInt(to);

  // the objects array: kept entries first, in order, then zeros
  const objsSec = sectionNamed(layout.objsArray.section);
  const data = edit.image.sections[objsSec]!.data;
  const base = layout.objsArray.offset;
  const n = layout.objsArray.count;
  const old = data.slice(base, base + n * SIZEOF_KLP_OBJECT);
  const kept = layout.objects.map((o, i) => ({ o, i })).filter(({ o }) => keep.has(objectKey(o.name)));
  data.fill(0, base, base + n * SIZEOF_KLP_OBJECT);
  kept.forEach(({ i }, j) =>
    data.set(old.subarray(i * SIZEOF_KLP_OBJECT, (i + 1) * SIZEOF_KLP_OBJECT), base + j * SIZEOF_KLP_OBJECT),
  );
  const rel = relaOf(objsSec);
  if (rel !== undefined) {
    const slot = new Map(kept.map(({ i }, j) => [i, j]));
    edit.relocs.set(
      rel,
      edit.relocs.get(rel)!.flatMap((e) => {
        if (!inSpan(e.offset, base, base + n * SIZEOF_KLP_OBJECT)) return [e];
        const i = Math.floor((Number(e.offset) - base) / SIZEOF_KLP_OBJECT);
        const j = slot.get(i);
        return j === undefined ? [] : [{ ...e, offset: e.offset + BigInt((j - i) * SIZEOF_KLP_OBJECT) }];
      }),
    );
  }
  // the dropped objects' klp_func arrays (terminator included)
  for (const o of layout.objects) {
    if (keep.has(objectKey(o.name))) continue;
    const sec = sectionNamed(o.funcsArray.section);
    const from = o.funcsArray.offset;
    const to = from + (o.funcsArray.count + 1) * SIZEOF_KLP_FUNC;
    edit.image.sections[sec]!.data.fill(0, from, to);
    const r = relaOf(sec);
    if (r !== undefined)
      edit.relocs.set(
        r,
        edit.relocs.get(r)!.filter((e) => !inSpan(e.offset, from, to)),
      );
  }
  if (clearReplace)
    edit.image.sections[sectionNamed(layout.patch.section)]!.data[layout.patch.offset + KLP_PATCH_REPLACE] = 0;
}

/** `.modinfo` name= and struct module's name; later .modinfo strings (and their symbols) shift. */
function renameModule(edit: Edit, name: string): void {
  const { elf } = edit.model;
  const modinfo = elf.sections.findIndex((s) => s.name === '.modinfo');
  const thisModule = elf.sections.findIndex((s) => s.name === '.gnu.linkonce.this_module');
  if (modinfo <= 0 || thisModule <= 0) throw new Error(`${elf.fileName}: no .modinfo or .gnu.linkonce.this_module`);
  if (edit.model.relocations.some((r) => r.rel.targetSection === modinfo)) throw new Error('.modinfo has relocations');

  const sec = edit.image.sections[modinfo]!;
  const old = sec.data;
  const out: number[] = [];
  const moved = new Map<number, { at: number; size: number }>();
  for (let p = 0; p < old.length; ) {
    if (old[p] === 0) {
      out.push(0);
      p++;
      continue;
    }
    let end = old.indexOf(0, p);
    if (end < 0) end = old.length;
    let s = old.subarray(p, end);
    if (new TextDecoder().decode(s).startsWith('name=')) s = new TextEncoder().encode(`name=${name}`);
    moved.set(p, { at: out.length, size: s.length + 1 });
    out.push(...s, 0);
    p = end + 1;
  }
  sec.data = new Uint8Array(out);
  for (const sym of edit.symbols) {
    if (sym.shndx !== modinfo) continue;
    const m = moved.get(Number(sym.value));
    if (!m) continue;
    sym.value = BigInt(m.at);
    if (sym.size) sym.size = BigInt(m.size);
  }

  const mod = edit.image.sections[thisModule]!.data;
  mod.fill(0, MODULE_NAME_OFFSET, MODULE_NAME_OFFSET + MODULE_NAME_LEN);
  mod.set(new TextEncoder().encode(name), MODULE_NAME_OFFSET);
}
