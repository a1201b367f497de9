import { useDeferredValue, useMemo, useState } from 'react';
import { specialSectionIndexName, symbolBindName, symbolTypeName, symbolVisibilityName } from '../../src/elf/names.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import { displayName } from '../../src/format/escape.ts';
import { hex, hexDigits } from '../../src/format/hex.ts';
import { count } from '../format.ts';
import { useKlp } from '../store.ts';
import { FilterBox } from './FilterBox.tsx';
import { type Column, VirtualTable } from './VirtualTable.tsx';

const SHN_LIVEPATCH = 0xff20;
const STT_SECTION = 3;

/** The name a symbol shows: section symbols have none of their own, readelf-style use the section's. */
export function symbolDisplayName(elf: ElfObject, index: number): string {
  const sym = elf.symbols[index];
  if (!sym) return `<corrupt symbol ${index}>`;
  if (sym.name === '' && sym.type === STT_SECTION) return elf.sections[sym.shndx]?.name ?? '';
  return sym.name;
}

export function SymbolsTable({ elf }: { elf: ElfObject }) {
  const selected = useKlp((s) => s.selectedSymbol);
  const select = useKlp((s) => s.selectSymbol);
  const [filter, setFilter] = useState('');
  const [klpOnly, setKlpOnly] = useState(false);
  const query = useDeferredValue(filter.trim().toLowerCase());
  const hasKlp = useMemo(() => elf.symbols.some((s) => s.klp || s.shndx === SHN_LIVEPATCH), [elf]);

  const rows = useMemo(() => {
    const out: number[] = [];
    elf.symbols.forEach((s, i) => {
      if (klpOnly && !(s.klp || s.shndx === SHN_LIVEPATCH)) return;
      if (query && !symbolDisplayName(elf, i).toLowerCase().includes(query)) return;
      out.push(i);
    });
    return out;
  }, [elf, query, klpOnly]);

  const columns = useMemo(() => {
    const sym = (r: number) => elf.symbols[rows[r]!]!;
    const valueDigits = hexDigits(
      elf.symbols.map((x) => x.value),
      8,
    );
    const ndx = (r: number) => specialSectionIndexName(sym(r).shndx) ?? String(sym(r).shndx);
    const cols: Column[] = [
      { id: 'num', header: 'Num', width: 6, align: 'right', cell: (r) => sym(r).index },
      {
        id: 'value',
        header: 'Value',
        width: valueDigits,
        title: 'st_value (hex): offset in its section for a .ko',
        cell: (r) => hex(sym(r).value, valueDigits),
      },
      {
        id: 'size',
        header: 'Size',
        width: 6,
        align: 'right',
        title: 'st_size (decimal)',
        cell: (r) => sym(r).size.toString(),
      },
      { id: 'type', header: 'Type', width: 7, cell: (r) => symbolTypeName(sym(r).type) },
      { id: 'bind', header: 'Bind', width: 6, cell: (r) => symbolBindName(sym(r).bind) },
      { id: 'vis', header: 'Vis', width: 8, cell: (r) => symbolVisibilityName(sym(r).visibility) },
      {
        id: 'ndx',
        header: 'Ndx',
        width: 9,
        title: 'st_shndx: a section index, or UND / ABS / COM / LIVEPATCH (0xff20)',
        cell: (r) => {
          const n = ndx(r);
          return sym(r).shndx === SHN_LIVEPATCH ? <span className="klp">{n}</span> : n;
        },
        cellTitle: (r) => `st_shndx = 0x${sym(r).shndx.toString(16)}`,
      },
      {
        id: 'section',
        header: 'Section',
        width: hasKlp ? 14 : 18,
        cellTitle: (r) => displayName(elf.sections[sym(r).shndx]?.name ?? ''),
        cell: (r) =>
          specialSectionIndexName(sym(r).shndx) === undefined
            ? displayName(elf.sections[sym(r).shndx]?.name ?? '')
            : '',
      },
      {
        id: 'name',
        header: 'Name',
        width: 24,
        grow: true,
        cell: (r) =>
          sym(r).name === '' && sym(r).type === STT_SECTION ? (
            <span className="derived">{displayName(symbolDisplayName(elf, rows[r]!))}</span>
          ) : (
            displayName(sym(r).name)
          ),
        cellTitle: (r) =>
          sym(r).name === '' && sym(r).type === STT_SECTION
            ? 'section symbol (no name of its own): its section'
            : displayName(sym(r).name, 4096),
      },
    ];
    if (hasKlp) {
      cols.push(
        {
          id: 'klpobj',
          header: 'klp object',
          width: 18,
          title: '.klp.sym.<object>.<name>,<sympos>',
          cell: (r) => <span className="klp">{displayName(sym(r).klp?.object ?? '')}</span>,
        },
        {
          id: 'klpname',
          header: 'klp symbol',
          width: 22,
          cell: (r) => <span className="klp">{displayName(sym(r).klp?.symbol ?? '')}</span>,
        },
        {
          id: 'klppos',
          header: 'sympos',
          width: 6,
          align: 'right',
          title: '0 = the only symbol of that name; n = the n-th in kallsyms order',
          cell: (r) => sym(r).klp?.symposText ?? '',
        },
      );
    }
    return cols;
  }, [elf, rows, hasKlp]);

  return (
    <div className="table-panel">
      <div className="toolbar">
        <FilterBox
          value={filter}
          onChange={setFilter}
          label="Filter"
          placeholder="symbol name…"
          testId="symbol-filter"
        />
        {hasKlp ? (
          <label className="check">
            <input type="checkbox" checked={klpOnly} onChange={(e) => setKlpOnly(e.currentTarget.checked)} /> only
            .klp.sym / LIVEPATCH symbols
          </label>
        ) : null}
        <span className="muted" data-testid="symbol-count">
          {rows.length === elf.symbols.length
            ? `${count(rows.length)} symbols`
            : `${count(rows.length)} of ${count(elf.symbols.length)} symbols`}
          {elf.symtabIndex ? ` in [${elf.symtabIndex}] ${displayName(elf.sections[elf.symtabIndex]?.name ?? '')}` : ''}
        </span>
      </div>
      <VirtualTable
        label={`Symbol table of ${elf.fileName}`}
        testId="symbols-table"
        rowCount={rows.length}
        columns={columns}
        selected={selected === null ? null : rows.indexOf(selected)}
        onSelect={(r) => select(rows[r] ?? null)}
        rowClassName={(r) => (elf.symbols[rows[r]!]?.shndx === SHN_LIVEPATCH ? 'klp-row' : undefined)}
        empty={elf.symbols.length === 0 ? 'This file has no symbol table.' : 'No symbol matches the filter.'}
      />
    </div>
  );
}
