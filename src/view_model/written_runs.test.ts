import { describe, expect, it } from 'vitest';
import { SITE_FAULT, type SiteColumns } from '../trace/page_map.ts';
import { writtenRuns } from './written_runs.ts';

function sites(list: Array<[offset: number, length: number, flags?: number]>): SiteColumns {
  const n = list.length;
  return {
    offset: Uint32Array.from(list, (s) => s[0]),
    length: Uint32Array.from(list, (s) => s[1]),
    step: new Uint32Array(n),
    event: new Uint32Array(n),
    flags: Uint8Array.from(list, (s) => s[2] ?? 0),
    count: n,
  };
}

describe('writtenRuns', () => {
  it('covers every page of a 1 GiB write as one run', () => {
    expect(writtenRuns(sites([[0x8f10, 1_048_577_263]]), 0, 1, 262_144)).toEqual([[8, 256_010]]);
  });
  it('merges overlapping and adjacent writes, skips faults, keeps gaps', () => {
    const s = sites([
      [0, 8],
      [4096 - 4, 8],
      [3 * 4096, 1],
      [5 * 4096, 4, SITE_FAULT],
    ]);
    expect(writtenRuns(s, 0, 4, 8)).toEqual([
      [0, 2],
      [3, 4],
    ]);
    expect(writtenRuns(s, 2, 3, 8)).toEqual([[3, 4]]);
  });
});
