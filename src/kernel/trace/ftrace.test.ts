// ftrace_location() for vmlinux functions: from the kernel's own records when the table has them
// (available_filter_functions_addrs lines), else the profile's ENDBR64 rule.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FTRACE_RECORD, parseKallsyms } from '../kallsyms.ts';
import { Kernel } from '../kernel.ts';
import { ftrace_location } from './ftrace.ts';

const root = new URL('../../../', import.meta.url);
const table = (file: string) => parseKallsyms(readFileSync(new URL(file, root), 'utf8'));

describe('parseKallsyms', () => {
  test('reads kallsyms lines and available_filter_functions_addrs lines side by side', () => {
    expect(
      parseKallsyms(
        [
          'ffffffff8151cd60 t cmdline_proc_show',
          'ffffffff8151cd64 cmdline_proc_show',
          'ffffffffc0201004 veth_open [veth]',
          'not a line',
        ].join('\n'),
      ),
    ).toEqual([
      { addr: 0xffffffff8151cd60n, type: 't', name: 'cmdline_proc_show' },
      { addr: 0xffffffff8151cd64n, type: FTRACE_RECORD, name: 'cmdline_proc_show' },
      { addr: 0xffffffffc0201004n, type: FTRACE_RECORD, name: 'veth_open', module: 'veth' },
    ]);
  });
});

describe('ftrace_location() of a vmlinux function', () => {
  const lines = [
    'ffffffff81000000 T with_endbr',
    'ffffffff81000040 t without_endbr',
    'ffffffff81000080 t notrace_fn',
    'ffffffff810000c0 T after',
  ];
  test('the record the table lists, whatever the profile would guess; none for a function without one', () => {
    const records = ['ffffffff81000004 with_endbr', 'ffffffff81000040 without_endbr', 'ffffffff810000c4 after'];
    const k = new Kernel({ kernel: '6.12', vmlinux: parseKallsyms([...lines, ...records].join('\n')) });
    expect(ftrace_location(k, 0xffffffff81000000n)).toBe(0xffffffff81000004n);
    expect(ftrace_location(k, 0xffffffff81000040n)).toBe(0xffffffff81000040n);
    expect(ftrace_location(k, 0xffffffff81000080n)).toBeUndefined();
    // inside the 5-byte call: that record
    expect(ftrace_location(k, 0xffffffff81000006n)).toBe(0xffffffff81000004n);
    expect(ftrace_location(k, 0xffffffff81000009n)).toBeUndefined();
  });
  test("a record past a partial table's next symbol belongs to another function: not this one's", () => {
    const k = new Kernel({
      kernel: '6.1',
      vmlinux: parseKallsyms(['ffffffff81000080 t notrace_fn', 'ffffffff81000090 some_unlisted_fn'].join('\n')),
    });
    expect(ftrace_location(k, 0xffffffff81000080n)).toBeUndefined();
  });
  test('without records: after the ENDBR64 on an IBT kernel (6.12), at the function on 6.1', () => {
    const vmlinux = parseKallsyms(lines.join('\n'));
    expect(ftrace_location(new Kernel({ kernel: '6.12', vmlinux }), 0xffffffff81000040n)).toBe(0xffffffff81000044n);
    expect(ftrace_location(new Kernel({ kernel: '6.1', vmlinux }), 0xffffffff81000040n)).toBe(0xffffffff81000040n);
  });
  test("the shipped tables carry the real kernels' records: cmdline_proc_show at +4 on 6.12, +0 on 6.1", () => {
    const v612 = table('public/samples/vmlinux-6.12.kallsyms');
    const v61 = table('public/samples/vmlinux.kallsyms');
    expect(v612.filter((e) => e.type === FTRACE_RECORD)).toHaveLength(1535);
    expect(v61.filter((e) => e.type === FTRACE_RECORD)).toHaveLength(1542);
    expect(ftrace_location(new Kernel({ kernel: '6.12', vmlinux: v612 }), 0xffffffff8151cd60n)).toBe(
      0xffffffff8151cd64n,
    );
    expect(ftrace_location(new Kernel({ kernel: '6.1', vmlinux: v61 }), 0xffffffff814105a0n)).toBe(0xffffffff814105a0n);
  });
});
