import { useDeferredValue, useMemo, useState } from 'react';
import { relocationTypeName } from '../../src/elf/names.ts';
import type { ElfObject, ElfRelocationSection } from '../../src/elf/types.ts';
import { displayName, escapeName } from '../../src/format/escape.ts';
import { hex, hexDigits, signedHex } from '../../src/format/hex.ts';
import { showEntryInExplain, siteOfEntry } from '../explain/inspector_links.ts';
import { count } from '../format.ts';
import { type LoadedFile, useKlp } from '../store.ts';
import { FilterBox } from './FilterBox.tsx';
import { symbolDisplayName } from './SymbolsTable.tsx';
import { goToView } from './ViewSwitch.tsx';
import { type Column, VirtualTable } from './VirtualTable.tsx';

function RelocationPicker({
  elf,
  current,
  onPick,
}: {
  elf: ElfObject;
  current: ElfRelocationSection;
  onPick(index: number): void;
}) {
  return (
    <label className="picker">
      <span>Relocation section</span>
      <select
        data-testid="reloc-picker"
        value={current.sectionIndex}
        onChange={(e) => onPick(Number(e.currentTarget.value))}
      >
        {elf.relocations.map((r) => (
          <option key={r.sectionIndex} value={r.sectionIndex}>
            [{r.sectionIndex}] {escapeName(r.name)} — {count(r.count)} →{' '}
            {r.klp
              ? escapeName(`${r.klp.object}:${r.klp.section}`)
              : escapeName(elf.sections[r.targetSection]?.name ?? String(r.targetSection))}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RelocationsView({ file }: { file: LoadedFile }) {
  const elf = file.module.elf;
  const wanted = useKlp((s) => s.relocationSection);
  const show = useKlp((s) => s.showRelocations);
  const selectedEntry = useKlp((s) => s.selectedRelocation);
  const selectEntry = useKlp((s) => s.selectRelocation);
  const [filter, setFilter] = useState('');
  const query = useDeferredValue(filter.trim().toLowerCase());
  const rela = elf.relocations.find((r) => r.sectionIndex === wanted) ?? elf.relocations[0];

  const rows = useMemo(() => {
    if (!rela) return null;
    if (!query) return null; // identity: row r is entry r
    const out: number[] = [];
    // a match depends on the symbol and the type only: tested once per distinct one (10 million
    // entries over a few symbols took 0.6 s of names built per entry, per keystroke)
    const bySymbol = new Map<number, boolean>();
    const byType = new Map<number, boolean>();
    for (let i = 0; i < rela.count; i++) {
      const s = rela.symbols[i]!;
      let hit = bySymbol.get(s);
      if (hit === undefined) bySymbol.set(s, (hit = symbolDisplayName(elf, s).toLowerCase().includes(query)));
      if (!hit) {
        const t = rela.types[i]!;
        hit = byType.get(t);
        if (hit === undefined)
          byType.set(t, (hit = relocationTypeName(elf.header.machine, t).toLowerCase().includes(query)));
      }
      if (hit) out.push(i);
    }
    return out;
  }, [elf, rela, query]);

  const columns = useMemo(() => {
    if (!rela) return [];
    const at = (r: number) => (rows ? rows[r]! : r);
    const symIndex = (r: number) => rela.symbols[at(r)]!;
    const sym = (r: number) => elf.symbols[symIndex(r)];
    const offDigits = hexDigits(rela.offsets, 8);
    const valDigits = hexDigits(
      elf.symbols.map((x) => x.value),
      8,
    );
    const hasKlpSyms = rela.klp !== undefined;
    const cols: Column[] = [
      { id: 'n', header: '#', width: 7, align: 'right', cell: (r) => at(r) },
      {
        id: 'offset',
        header: 'Offset',
        width: offDigits,
        title: 'r_offset (hex) in the target section',
        cell: (r) => hex(rela.offsets[at(r)]!, offDigits),
      },
      {
        id: 'info',
        header: 'Info',
        width: 16,
        title: 'r_info (hex) = sym << 32 | type',
        cell: (r) => hex((BigInt(rela.symbols[at(r)]!) << 32n) | BigInt(rela.types[at(r)]!), 16),
      },
      {
        id: 'type',
        header: 'Type',
        width: 17,
        cell: (r) => relocationTypeName(elf.header.machine, rela.types[at(r)]!),
      },
      { id: 'sym', header: 'Sym', width: 6, align: 'right', title: 'symbol index', cell: (r) => symIndex(r) },
      {
        id: 'symval',
        header: 'Sym. Value',
        width: Math.max(10, valDigits),
        cell: (r) => hex(sym(r)?.value ?? 0n, valDigits),
      },
      {
        id: 'name',
        header: 'Sym. Name',
        width: hasKlpSyms ? 20 : 28,
        grow: true,
        cell: (r) => displayName(symbolDisplayName(elf, symIndex(r))),
        cellTitle: (r) => displayName(symbolDisplayName(elf, symIndex(r)), 4096),
      },
      {
        id: 'addend',
        header: 'Addend',
        width: 12,
        align: 'right',
        title: 'r_addend',
        cell: (r) => (rela.rela ? signedHex(rela.addends[at(r)]!) : ''),
      },
    ];
    if (hasKlpSyms) {
      cols.push(
        {
          id: 'klpobj',
          header: 'klp object',
          width: 18,
          title: 'object of the .klp.sym symbol',
          cell: (r) => <span className="klp">{sym(r)?.klp?.object ?? ''}</span>,
        },
        {
          id: 'klpname',
          header: 'klp symbol',
          width: 22,
          title: 'symbol name in that object',
          cell: (r) => <span className="klp">{sym(r)?.klp?.symbol ?? ''}</span>,
        },
        {
          id: 'klppos',
          header: 'sympos',
          width: 6,
          align: 'right',
          title: '0 = unique; n = the n-th symbol of that name in kallsyms order',
          cell: (r) => sym(r)?.klp?.symposText ?? '',
        },
      );
    }
    return cols;
  }, [elf, rela, rows]);

  if (!rela) return <p className="empty">This module has no relocation sections.</p>;
  const target = elf.sections[rela.targetSection];
  const self = elf.sections[rela.sectionIndex];

  return (
    <div className="table-panel">
      <div className="toolbar">
        <RelocationPicker elf={elf} current={rela} onPick={show} />
        <FilterBox
          value={filter}
          onChange={setFilter}
          label="Filter"
          placeholder="symbol or type…"
          testId="reloc-filter"
        />
      </div>
      <p className="reloc-caption" data-testid="reloc-caption">
        Relocation section <b className="mono">'{escapeName(rela.name)}'</b>
        {self ? (
          <>
            {' '}
            at offset <span className="mono">0x{hex(self.offset)}</span>
          </>
        ) : null}{' '}
        contains <b>{count(rela.count)}</b> {rela.rela ? 'Elf64_Rela' : 'Elf64_Rel'} entries
        {rows ? <> ({count(rows.length)} shown)</> : null}; they patch{' '}
        <span className="mono">
          [{rela.targetSection}] {escapeName(target?.name ?? '?')}
        </span>
        {rela.klp ? (
          <>
            {' '}
            —{' '}
            <span className="klp" data-testid="reloc-klp">
              livepatch: object <b className="mono">{rela.klp.object}</b>, section{' '}
              <b className="mono">{rela.klp.section}</b>
            </span>{' '}
            (applied by klp_apply_section_relocs() when {rela.klp.object} is loaded)
          </>
        ) : null}
        .
      </p>
      {selectedEntry !== null && selectedEntry < rela.count && (
        <EntryActions file={file} relsec={rela.sectionIndex} entry={selectedEntry} />
      )}
      <VirtualTable
        label={`Entries of ${escapeName(rela.name)}`}
        testId="relocations-table"
        rowCount={rows ? rows.length : rela.count}
        columns={columns}
        selected={selectedEntry === null ? null : rows ? rows.indexOf(selectedEntry) : selectedEntry}
        onSelect={(r) => selectEntry(rows ? (rows[r] ?? null) : r)}
        empty={rela.count === 0 ? 'This relocation section is empty.' : 'No entry matches the filter.'}
      />
    </div>
  );
}

/** The selected entry: where it writes, and links to its bytes, its symbol and the step that wrote it. */
function EntryActions({ file, relsec, entry }: { file: LoadedFile; relsec: number; entry: number }) {
  const elf = file.module.elf;
  const rela = elf.relocations.find((r) => r.sectionIndex === relsec)!;
  const note = useKlp((s) => s.linkNote);
  const setNote = useKlp((s) => s.setLinkNote);
  const [busy, setBusy] = useState(false);
  const site = siteOfEntry(file, relsec, entry);
  const symIndex = rela.symbols[entry]!;
  const target = elf.sections[rela.targetSection];
  return (
    <div className="entry-actions" data-testid="entry-actions">
      <span>
        <b className="mono">#{entry}</b> {relocationTypeName(elf.header.machine, rela.types[entry]!)} at{' '}
        <span className="mono">
          {escapeName(target?.name ?? `[${rela.targetSection}]`)}+0x{hex(rela.offsets[entry]!)}
        </span>{' '}
        → <span className="mono">{displayName(symbolDisplayName(elf, symIndex), 4096)}</span>
      </span>
      <button
        type="button"
        className="link"
        data-testid="entry-hex"
        disabled={!site}
        onClick={() => site && useKlp.getState().showHex(site.section, site)}
      >
        bytes in hex ›
      </button>
      <button
        type="button"
        className="link"
        data-testid="entry-symbol"
        onClick={() => useKlp.getState().showSymbol(symIndex)}
      >
        symbol {symIndex} ›
      </button>
      <button
        type="button"
        className="link"
        data-testid="entry-explain"
        disabled={busy}
        title="The step of the emulated load where this entry is applied, with its write selected"
        onClick={() => {
          setBusy(true);
          setNote(null);
          void showEntryInExplain(file, relsec, entry)
            .then((r) => {
              if (!r.ok) {
                setNote(r.why);
                if (useKlp.getState().view === 'explain') goToView('inspect');
              }
            })
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'running…' : 'show in Explain ›'}
      </button>
      {note && (
        <span className="muted" data-testid="entry-note">
          {note}
        </span>
      )}
    </div>
  );
}
