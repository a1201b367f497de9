// capture/klp-capture and its probe table: the table is well formed, the script carries the same
// copy, parse.ts knows every function it probes, the script is POSIX sh for dash, bash and busybox,
// and it refuses cleanly without root. (It is never run as root here: it would set real kprobes.)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../capture/', import.meta.url));
const script = readFileSync(`${dir}klp-capture`, 'utf8');
const table = readFileSync(`${dir}probes.tsv`, 'utf8');
const rows = table
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t'));

describe('capture/probes.tsv', () => {
  it('every row has its nine fields, a known kind, versions, a reason; event names are unique', () => {
    const version = /^(-|[0-9]+\.[0-9]+)$/;
    for (const r of rows) {
      expect(r, r.join(' | ')).toHaveLength(9);
      const [event, kind, target, since, until, stack, fetch, filter, reason] = r as [string, ...string[]];
      expect(event).toMatch(/^[a-z_0-9]+$/);
      expect(['p', 'r', 't']).toContain(kind);
      expect(target).toMatch(kind === 't' ? /^[a-z_]+\/[a-z_0-9]+$/ : /^[a-z_0-9]+$/);
      expect(since).toMatch(version);
      expect(until).toMatch(version);
      expect(['stack', '-']).toContain(stack);
      const arg = /^[a-z_]+=[^ ]+:(x64|u64|u32|s32|u8|string)$/;
      if (fetch !== '-') for (const a of fetch!.split(' ')) expect(a).toMatch(arg);
      expect(filter === '-' || kind !== 't').toBe(true);
      expect(reason!.length).toBeGreaterThan(15);
    }
    const names = rows.map((r) => r[0]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('parse.ts reads every function the table probes (no probe ends up as an "other" event)', () => {
    const parse = readFileSync(fileURLToPath(new URL('./parse.ts', import.meta.url)), 'utf8');
    for (const [, kind, target] of rows) {
      if (kind === 't') continue;
      expect(parse, target).toContain(`'${target}'`);
    }
  });

  it('the script carries the same table (capture/embed-probes.sh copies it)', () => {
    const end = '# --- probes\\.tsv end ---';
    const block = new RegExp(`\\n# --- probes\\.tsv begin ---\\n: <<'${end}'\\n([\\s\\S]*)${end}\\n$`);
    const m = block.exec(script);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(table);
  });
});

describe('capture/klp-capture', () => {
  const shells = [
    ['dash', ['-n']],
    ['bash', ['--posix', '-n']],
    ['busybox', ['sh', '-n']],
  ] as const;
  for (const [sh, args] of shells) {
    it(`parses with ${sh}`, (ctx) => {
      const probe = spawnSync(sh, ['-c', 'true']);
      if (probe.error) ctx.skip();
      const r = spawnSync(sh, [...args, `${dir}klp-capture`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('-h prints the usage; a bad option is exit status 2', () => {
    const h = spawnSync('sh', [`${dir}klp-capture`, '-h'], { encoding: 'utf8' });
    expect(h.status).toBe(0);
    expect(h.stderr).toMatch(/^usage: klp-capture \[-o FILE\|-\]/);
    const bad = spawnSync('sh', [`${dir}klp-capture`, '-z'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('klp-capture: unknown option -z');
  });

  it('refuses without root, before touching anything', () => {
    const root = process.getuid?.() === 0;
    if (root && !existsSync('/usr/bin/setpriv') && !existsSync('/bin/setpriv')) return;
    // as root, drop to nobody; the script must stop at its first check
    const cmd = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'sh'] : ['sh'];
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), `${dir}klp-capture`, '-o', '/nonexistent/x', '--', 'true'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^klp-capture: must run as root/);
  });
});
