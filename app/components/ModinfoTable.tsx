// `.modinfo` as a windowed table: a crafted module can hold a million entries or one of 16 MB,
// so only the rows in view are in the DOM and a value is shown cut, with its length beside it.
import { useMemo } from 'react';
import type { ElfObject } from '../../src/elf/types.ts';
import { displayName } from '../../src/format/escape.ts';
import { count } from '../format.ts';
import { type Column, VirtualTable } from './VirtualTable.tsx';

/** Characters of a value shown in its cell; its title holds more, its length column all of it. */
const VALUE_SHOWN = 400;

export function ModinfoTable({ elf }: { elf: ElfObject }) {
  const modinfo = elf.modinfo;
  const columns = useMemo((): Column[] => {
    const m = (r: number) => modinfo[r]!;
    return [
      {
        id: 'key',
        header: 'Key',
        width: 16,
        cell: (r) => displayName(m(r).key, 64),
        cellTitle: (r) => displayName(m(r).key, 4096),
      },
      {
        id: 'value',
        header: 'Value',
        width: 40,
        grow: true,
        cell: (r) => displayName(m(r).value, VALUE_SHOWN),
        cellTitle: (r) => displayName(m(r).value, 4096),
      },
      {
        id: 'length',
        header: 'Length',
        width: 11,
        align: 'right',
        title: 'Length of the value in characters (values longer than the cell are cut there)',
        cell: (r) => count(m(r).value.length),
      },
    ];
  }, [modinfo]);

  if (modinfo.length === 0) {
    return (
      <p className="empty">
        This module has no <code>.modinfo</code> section.
      </p>
    );
  }
  return (
    <div className="table-panel">
      <div className="toolbar">
        <span className="muted" data-testid="modinfo-count">
          {count(modinfo.length)} entries
        </span>
      </div>
      <VirtualTable
        label=".modinfo key/value pairs"
        testId="modinfo"
        rowCount={modinfo.length}
        columns={columns}
        rowClassName={(r) => (modinfo[r]!.key === 'livepatch' ? 'klp-row' : undefined)}
      />
    </div>
  );
}
