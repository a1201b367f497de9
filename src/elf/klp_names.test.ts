import { expect, test } from 'vitest';
import { parseKlpArchName, parseKlpRelaName, parseKlpSymbolName } from './klp_names.ts';

test.each([
  ['.klp.sym.vmlinux.printk,0', { object: 'vmlinux', symbol: 'printk', sympos: 0, symposText: '0' }],
  [
    '.klp.sym.btrfs.can_modify_feature.isra.3,0',
    { object: 'btrfs', symbol: 'can_modify_feature.isra.3', sympos: 0, symposText: '0' },
  ],
  [
    '.klp.sym.klp_demo_target.klp_demo_counter,2',
    { object: 'klp_demo_target', symbol: 'klp_demo_counter', sympos: 2, symposText: '2' },
  ],
  // sscanf stops %lu at the first non-digit and still counts three conversions
  ['.klp.sym.vmlinux.snprintf,1x', { object: 'vmlinux', symbol: 'snprintf', sympos: 1, symposText: '1' }],
])('%s is a livepatch symbol name', (name, parsed) => {
  expect(parseKlpSymbolName(name)).toEqual(parsed);
});

test.each([
  'printk', // not a klp name at all
  '.klp.sym.vmlinux', // no symbol
  '.klp.sym.vmlinux.printk', // no sympos
  '.klp.sym.vmlinux.printk,', // sympos without digits
  '.klp.sym..printk,0', // empty object: %55[^.] needs one character
  '.klp.sym.vmlinux.,0', // empty symbol
  `.klp.sym.${'m'.repeat(56)}.printk,0`, // object longer than MODULE_NAME_LEN - 1
  `.klp.sym.vmlinux.${'s'.repeat(512)},0`, // symbol longer than KSYM_NAME_LEN - 1
])('%s breaks the grammar (klp_resolve_symbols: "incorrectly formatted name")', (name) => {
  expect(parseKlpSymbolName(name)).toBeUndefined();
});

test('the longest names the kernel accepts are accepted', () => {
  const obj = 'm'.repeat(55);
  const sym = 's'.repeat(511);
  expect(parseKlpSymbolName(`.klp.sym.${obj}.${sym},7`)).toEqual({
    object: obj,
    symbol: sym,
    sympos: 7,
    symposText: '7',
  });
});

test('.klp.rela names give the object and the section they apply to', () => {
  expect(parseKlpRelaName('.klp.rela.vmlinux..text.cmdline_proc_show')).toEqual({
    object: 'vmlinux',
    section: '.text.cmdline_proc_show',
  });
  expect(parseKlpRelaName('.klp.rela.ext4.text.ext4_attr_store')).toEqual({
    object: 'ext4',
    section: 'text.ext4_attr_store',
  });
  expect(parseKlpRelaName('.rela.text')).toBeUndefined();
  expect(parseKlpRelaName('.klp.rela.')).toBeUndefined();
});

test('.klp.arch names (5.4) give the object and the section', () => {
  expect(parseKlpArchName('.klp.arch.vmlinux..altinstructions')).toEqual({
    object: 'vmlinux',
    section: '.altinstructions',
  });
  expect(parseKlpArchName('.klp.arch.kvm..parainstructions')).toEqual({ object: 'kvm', section: '.parainstructions' });
});

test('sympos is %lu as vsscanf() reads it: spaces skipped, no sign, wrapped modulo 2^64, printed as an integer', () => {
  const huge = parseKlpSymbolName('.klp.sym.vmlinux.printk,100000000000000000000000');
  expect(huge?.symposText).toBe((10n ** 23n % 2n ** 64n).toString());
  expect(huge?.symposText).not.toContain('e+');
  expect(String(huge?.sympos)).not.toContain('e+');
  expect(parseKlpSymbolName('.klp.sym.vmlinux.printk,18446744073709551617')?.symposText).toBe('1');
  expect(parseKlpSymbolName('.klp.sym.vmlinux.printk, \t3')?.sympos).toBe(3);
  expect(parseKlpSymbolName('.klp.sym.vmlinux.printk,-1')).toBeUndefined();
  expect(parseKlpSymbolName('.klp.sym.vmlinux.printk,+1')).toBeUndefined();
});
