// bin/cli_bundle.js: the CLI's start-up bundle is used only while every file it was built from
// is unchanged; an edit (even one restoring the size) means a rebuild with the new code.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS launcher helper
import { bundledEntry, isFresh } from '../bin/cli_bundle.js';

const root = new URL('..', import.meta.url).pathname;

describe('CLI start-up bundle (bin/cli_bundle.js)', () => {
  it('is rebuilt when a source it was built from changes, and keeps import.meta.url per file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klp-launcher-'));
    mkdirSync(join(dir, 'src/sub'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(dir, 'src/sub/lib.ts'),
      "export const value: number = 1;\nexport const here = new URL('.', import.meta.url).href;\n",
    );
    writeFileSync(
      join(dir, 'src/main.ts'),
      "import { value, here } from './sub/lib.ts';\nexport const out = { value, here };\n",
    );
    const cache = join(dir, 'cache');
    // esbuild is resolved through tsx from the project root: use this checkout's node_modules
    const build = (d: string) => bundledEntry(d, 'src/main.ts', cache, 'cli');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const url1: string = await build(dir);
    expect(url1).toBeTruthy();
    const m1 = await import(url1);
    expect(m1.out).toEqual({ value: 1, here: pathToFileURL(join(dir, 'src/sub/')).href });
    const manifest = JSON.parse(readFileSync(join(cache, 'cli.json'), 'utf8'));
    expect(Object.keys(manifest.inputs).sort()).toEqual(['src/main.ts', 'src/sub/lib.ts']);
    expect(isFresh(manifest, dir)).toBe(true);
    // same size, different contents
    writeFileSync(
      join(dir, 'src/sub/lib.ts'),
      "export const value: number = 2;\nexport const here = new URL('.', import.meta.url).href;\n",
    );
    expect(isFresh(manifest, dir)).toBe(false);
    const url2: string = await build(dir);
    expect(url2).not.toBe(url1);
    expect((await import(url2)).out.value).toBe(2);
    // unchanged: the cached bundle is reused
    expect(await build(dir)).toBe(url2);
    // moved checkout or other node: stale
    expect(isFresh(manifest, `${dir}/elsewhere`)).toBe(false);
  });
});
