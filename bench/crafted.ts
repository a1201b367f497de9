// npm run bench:crafted [-- --baseline DIR] [--only NAME] [--commands layout,load,trace] [--timeout S]
// Time and peak memory of the command line on each crafted input of issue #16 §3, one child
// process per run (GNU time's maximum resident set size), next to a baseline tree (another
// checkout, e.g. a worktree of the commit before the fixes) run on the same files in the same run.
// The inputs are made in code (src/fuzz/crafted.ts) into a temporary folder: nothing big is committed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { craftedInputs } from '../src/fuzz/crafted.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    only: { type: 'string' },
    commands: { type: 'string', default: 'layout,load,trace' },
    timeout: { type: 'string', default: '120' },
    scale: { type: 'string', default: 'full' },
  },
});
const timeoutS = Number(values.timeout);
const commands = values.commands!.split(',');
const trees: Array<[string, string]> = [];
if (values.baseline) trees.push(['baseline', values.baseline]);
trees.push(['this tree', root]);

interface Run {
  seconds: number;
  peakMiB: number;
  status: string;
}

/** One whole CLI process under GNU time: wall seconds, maximum RSS, and how it ended. */
function measure(tree: string, command: string, file: string): Run {
  const args = [command, file];
  if (command === 'load') args.push('--fake-missing-symbols');
  if (command === 'trace') args.push('--format', 'json');
  const r = spawnSync(
    'timeout',
    [
      '-s',
      'KILL',
      String(timeoutS),
      '/usr/bin/time',
      '-f',
      '%e %M',
      process.execPath,
      join(tree, 'bin/klp-lab.js'),
      ...args,
    ],
    { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines = r.stderr.trim().split('\n');
  const timeLine = /^([\d.]+) (\d+)$/.exec(lines.at(-1) ?? '');
  if (!timeLine) return { seconds: timeoutS, peakMiB: Number.NaN, status: `killed after ${timeoutS} s` };
  const said = lines.at(-2) ?? '';
  const code = /Command (?:exited with non-zero status|terminated by signal) (\d+)/.exec(said);
  const message = lines.filter((l) => !/^Command |^\s+at |^[\d.]+ \d+$/.test(l)).at(-1) ?? '';
  return {
    seconds: Number(timeLine[1]),
    peakMiB: Number(timeLine[2]) / 1024,
    status: code ? `exit ${code[1]}: ${message.slice(0, 70)}` : 'exit 0',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'klp-crafted-'));
try {
  const base = new Uint8Array(readFileSync(join(root, 'src/elf/__fixtures__/debian/crc7.ko')));
  const inputs = craftedInputs(values.scale === 'small' ? 'small' : 'full', base).filter(
    (c) => !values.only || c.name.includes(values.only),
  );
  for (const [label, tree] of trees)
    if (!existsSync(join(tree, 'bin/klp-lab.js'))) throw new Error(`${label}: no bin/klp-lab.js in ${tree}`);
  // Warm the CLI bundle cache of each tree so its first run is not charged with the build.
  for (const [, tree] of trees) spawnSync(process.execPath, [join(tree, 'bin/klp-lab.js')], { cwd: tree });

  const header = ['input', 'file', 'command', ...trees.flatMap(([l]) => [`${l} time`, `${l} peak`, `${l} result`])];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const input of inputs) {
    const bytes = input.bytes();
    const file = join(dir, input.name);
    writeFileSync(file, bytes);
    for (const command of commands) {
      const cells = [input.what, `${(bytes.length / 1024).toFixed(0)} KiB`, command];
      for (const [, tree] of trees) {
        const r = measure(tree, command, file);
        cells.push(
          `${r.seconds.toFixed(2)} s`,
          Number.isNaN(r.peakMiB) ? '—' : `${r.peakMiB.toFixed(0)} MiB`,
          r.status,
        );
      }
      console.log(`| ${cells.join(' | ')} |`);
    }
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
