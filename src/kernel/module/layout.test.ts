// The emulated 6.1 layout against what the real 6.1 kernel did with the same 12 modules:
// every section's region and offset, coresize, and the page permissions after init.
import { describe, expect, test } from 'vitest';
import { oracleModuleNames, oracleTruth, replayOracleModule } from '../../test_support/oracle.ts';
import { INIT_OFFSET_MASK } from './types.ts';

test('the capture has the 12 modules', () => {
  expect(oracleModuleNames.sort()).toEqual([
    'configfs',
    'crc7',
    'crc_itu_t',
    'dummy',
    'ext4',
    'fat',
    'loop',
    'nls_utf8',
    'tls',
    'tun',
    'veth',
    'vfat',
  ]);
});

describe.each(oracleModuleNames)('%s', (name) => {
  const truth = oracleTruth.modules[name]!;

  test('loads, and every section lands where the real kernel put it', async () => {
    const { result } = await replayOracleModule(name);
    expect(result.error).toBeUndefined();
    const mod = result.module!;
    expect(mod.core_layout.size).toBe(truth.coresize);
    const placed = Object.fromEntries(
      Object.keys(truth.sections).map((sec) => {
        const s = mod.info.sechdrs.find((x) => x.name === sec)!;
        const init = (s.entsize & INIT_OFFSET_MASK) !== 0n;
        return [sec, { region: init ? 'init' : 'core', offset: Number(s.entsize & ~INIT_OFFSET_MASK) }];
      }),
    );
    expect(placed).toEqual(
      Object.fromEntries(
        Object.entries(truth.sections).map(([sec, v]) => [sec, { region: v.region, offset: v.offset }]),
      ),
    );
  });

  test('its core pages end with the real permissions, and the guard page is unmapped', async () => {
    const { k, result } = await replayOracleModule(name);
    const mod = result.module!;
    const perms: string[] = [];
    for (let off = 0; off < mod.core_layout.size; off += 4096) {
      const p = k.mem.perm(mod.core_layout.base + BigInt(off))!;
      perms.push(p.write ? (p.exec ? 'rwx' : 'rw-') : p.exec ? 'r-x' : 'r--');
    }
    expect(perms).toEqual(truth.page_perms.flatMap((p) => Array<string>(p.pages).fill(p.perm)));
    expect(k.mem.isMapped(mod.core_layout.base + BigInt(mod.core_layout.size))).toBe(false);
    expect(mod.state).toBe('LIVE');
    expect(mod.init_layout.base).toBe(0n); // init region freed
  });
});
