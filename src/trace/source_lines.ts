// The line tables of every kernel version a profile claims, by the elixir.bootlin.com tag its
// links open (scripts/gen-source-lines.py builds each from a tree of that version; see the
// header of each file for which tree).
import { table as v5_4 } from './source_lines/v5.4.ts';
import { table as v6_1_192 } from './source_lines/v6.1.192.ts';
import { table as v6_3_8 } from './source_lines/v6.3.8.ts';
import { table as v6_4 } from './source_lines/v6.4.ts';
import { table as v6_12_118 } from './source_lines/v6.12.118.ts';

export interface SourceTable {
  /** The tree the lines were read in. */
  tree: string;
  /** A later layout's file → this version's (5.4's kernel/module.c holds kernel/module/main.c's code). */
  renames: Readonly<Record<string, string>>;
  /** function name → [file, line of its definition] */
  lines: Readonly<Record<string, readonly [string, number]>>;
}

export const SOURCE_TABLES: Readonly<Record<string, SourceTable>> = {
  'v5.4': v5_4,
  'v6.1.192': v6_1_192,
  'v6.3.8': v6_3_8,
  'v6.4': v6_4,
  'v6.12.118': v6_12_118,
};
