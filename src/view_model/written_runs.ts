// The pages a step's writes cover, as runs: on a map of 1-4 px pages a dot per written page says
// nothing, and a 1 GiB write covers 262,144 pages.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { SITE_FAULT, type SiteColumns } from '../trace/page_map.ts';

/** Runs [from, to) of the `pages` pages that sites [lo, hi) write to (faults excluded), in order. */
export function writtenRuns(sites: SiteColumns, lo: number, hi: number, pages: number): Array<[number, number]> {
  // +1 where coverage starts, -1 past where it ends: O(sites + pages), whatever the write lengths
  const edge = new Int32Array(pages + 1);
  for (let i = lo; i < hi; i++) {
    if (sites.flags[i]! & SITE_FAULT) continue;
    const a = Math.floor(sites.offset[i]! / PAGE_SIZE);
    const b = Math.floor((sites.offset[i]! + Math.max(1, sites.length[i]!) - 1) / PAGE_SIZE) + 1;
    if (a >= pages) continue;
    edge[a]!++;
    edge[Math.min(pages, b)]!--;
  }
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = -1;
  for (let p = 0; p <= pages; p++) {
    depth += edge[p]!;
    if (depth > 0 && start < 0) start = p;
    else if (depth <= 0 && start >= 0) {
      out.push([start, p]);
      start = -1;
    }
  }
  return out;
}
