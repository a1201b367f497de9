// The v=1 permalink: every state field survives encode → decode (property-based), legacy query
// links still decode, and hostile input is dropped, never trusted.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KERNEL_IDS } from '../engine/kernels.ts';
import { unknownId } from '../engine/parse.ts';
import type { RoleModules, RunRequest } from '../engine/request.ts';
import { ROLES, scenarios } from '../scenarios/scenarios.ts';
import { strategies } from '../strategies/strategies.ts';
import {
  cleanText,
  decodeLink,
  decodeLocation,
  EMBED_VIEWS,
  encodeLink,
  LINK_TABS,
  type LinkModule,
  type LinkState,
  linkHref,
  MAX_CAPTION,
  MAX_FILE_NAME,
  resolveStep,
} from './permalink.ts';
import { sha256Hex, sha256Sync } from './sha256.ts';

const idChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-';
const id = fc
  .tuple(fc.constantFrom(...'abcXYZ019_'.split('')), fc.array(fc.constantFrom(...idChars.split('')), { maxLength: 20 }))
  .map(([a, rest]) => a + rest.join(''));
const text = (max: number) =>
  fc
    .string({ unit: 'binary', maxLength: max + 20 })
    .map((s) => cleanText(s, max))
    .filter((s) => s.length > 0);
const sha = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const linkModule: fc.Arbitrary<LinkModule> = fc.oneof(
  id.map((i) => ({ kind: 'sample' as const, id: i })),
  fc.record({ kind: fc.constant('file' as const), sha256: sha, name: text(MAX_FILE_NAME) }),
);
const index = fc.integer({ min: 0, max: 10_000_000 });
const strategy = fc.constantFrom(...strategies.map((s) => s.id));
const scenario = fc.constantFrom(...scenarios.map((s) => s.id));
const roles: fc.Arbitrary<RoleModules<LinkModule>> = fc
  .dictionary(fc.constantFrom(...ROLES), linkModule, { minKeys: 1, maxKeys: 4 })
  .map((d) => Object.fromEntries(ROLES.filter((r) => d[r]).map((r) => [r, d[r]])) as RoleModules<LinkModule>);
const source: fc.Arbitrary<RunRequest<LinkModule>> = fc.oneof(
  fc.record({
    kind: fc.constant('sequence' as const),
    kernel: fc.constantFrom(...KERNEL_IDS),
    ops: fc.array(
      fc.oneof(
        linkModule.map((module) => ({ op: 'insmod' as const, module })),
        id.map((name) => ({ op: 'rmmod' as const, name })),
        id.map((name) => ({ op: 'disable' as const, name })),
      ),
      { maxLength: 8 },
    ),
    fakeMissingSymbols: fc.boolean(),
  }),
  fc.record(
    { kind: fc.constant('scenario' as const), strategy, scenario, roles },
    { requiredKeys: ['kind', 'strategy', 'scenario'] },
  ),
  fc.record(
    { kind: fc.constant('compare' as const), strategies: fc.uniqueArray(strategy, { maxLength: 9 }), scenario, roles },
    { requiredKeys: ['kind', 'strategies', 'scenario'] },
  ),
);
const fnName = fc
  .tuple(
    fc.constantFrom(...'abk_'.split('')),
    fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_0123456789'.split('')), { maxLength: 30 }),
  )
  .map(([a, r]) => a + r.join(''));
const stepRef = fc.oneof(
  index,
  fc.record({ fn: fnName, nth: fc.oneof(fc.integer({ min: 1, max: 9999 }), fc.constant('last' as const)) }),
);

const state: fc.Arbitrary<LinkState> = fc.record(
  {
    view: fc.constantFrom('inspect' as const, 'explain' as const),
    open: linkModule,
    tab: fc.constantFrom(...LINK_TABS),
    section: index,
    symbol: index,
    relsec: index,
    source,
    step: stepRef,
    row: index,
    select: fc.record({ step: index, event: index }),
    embed: fc.constantFrom(...EMBED_VIEWS),
    caption: text(MAX_CAPTION),
    present: fc.constantFrom('slides' as const, 'notes' as const),
  },
  { requiredKeys: ['view'] },
);

describe('permalink v=1', () => {
  it('round-trips every state field (property-based)', () => {
    fc.assert(
      fc.property(state, (s) => {
        const text = encodeLink(s);
        expect(text.startsWith('v=1&view=')).toBe(true);
        const d = decodeLink(text);
        expect(d.warnings).toEqual([]);
        expect(d.state).toEqual(s);
        // and through a full URL: state in the hash, ?embed in the query
        const url = new URL(linkHref('https://example.org/sub/path/', s));
        expect(decodeLocation(url.search, url.hash).state).toEqual(s);
      }),
      { numRuns: 500 },
    );
  });

  it('is stable and readable for the common links', () => {
    expect(
      encodeLink({
        view: 'explain',
        source: { kind: 'scenario', strategy: 'v5.4-flip', scenario: 'late-load' },
        step: 78,
      }),
    ).toBe('v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=78');
    expect(
      encodeLink({
        view: 'explain',
        source: { kind: 'compare', strategies: ['text-poke', 'text-poke-clear'], scenario: 'reload' },
      }),
    ).toBe('v=1&view=explain&compare=text-poke%2Ctext-poke-clear&scenario=reload');
    const own = encodeLink({
      view: 'explain',
      source: {
        kind: 'sequence',
        kernel: '6.1',
        fakeMissingSymbols: true,
        ops: [
          { op: 'insmod', module: { kind: 'file', sha256: 'ab'.repeat(32), name: 'veth.ko' } },
          { op: 'rmmod', name: 'veth' },
        ],
      },
      step: { fn: 'apply_relocate_add', nth: 'last' },
    });
    expect(own).toBe(
      `v=1&view=explain&file=${'ab'.repeat(32)}%3Aveth.ko&kernel=6.1&seq=insmod%3A%400%2Crmmod%3Aveth&fake=1&step=apply_relocate_add.last`,
    );
  });

  it('a file used twice is in the file table once', () => {
    const f: LinkModule = { kind: 'file', sha256: 'cd'.repeat(32), name: 'a:b,c.ko' };
    const s: LinkState = {
      view: 'explain',
      open: f,
      source: { kind: 'sequence', kernel: '5.4', fakeMissingSymbols: false, ops: [{ op: 'insmod', module: f }] },
    };
    const text = encodeLink(s);
    expect(new URLSearchParams(text).getAll('file')).toHaveLength(1);
    expect(decodeLink(text).state).toEqual(s);
  });
});

describe('legacy query links (before v=1)', () => {
  it('sequence with step', () => {
    const d = decodeLocation(
      '?view=explain&kernel=5.4&seq=insmod:klp_demo_target,insmod:klp_demo_patch,rmmod:klp_demo_target&fake=1&step=24',
      '',
    );
    expect(d.form).toBe('legacy');
    expect(d.state).toEqual({
      view: 'explain',
      source: {
        kind: 'sequence',
        kernel: '5.4',
        fakeMissingSymbols: true,
        ops: [
          { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_target' } },
          { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_patch' } },
          { op: 'rmmod', name: 'klp_demo_target' },
        ],
      },
      step: 24,
    });
  });
  it('scenario × strategy, comparison with row, inspector sample', () => {
    expect(decodeLocation('?view=explain&strategy=v5.4-flip&scenario=late-load', '').state.source).toEqual({
      kind: 'scenario',
      strategy: 'v5.4-flip',
      scenario: 'late-load',
    });
    const c = decodeLocation('?view=explain&compare=v5.4-flip,text-poke&scenario=late-load&row=12', '');
    expect(c.state).toEqual({
      view: 'explain',
      source: { kind: 'compare', strategies: ['v5.4-flip', 'text-poke'], scenario: 'late-load' },
      row: 12,
    });
    expect(decodeLocation('?sample=veth', '').state).toEqual({ view: 'inspect', open: { kind: 'sample', id: 'veth' } });
    expect(decodeLocation('', '')).toEqual({ state: { view: 'explain' }, form: 'none', warnings: [] });
    expect(decodeLocation('?view=inspect', '').state).toEqual({ view: 'inspect' });
  });
  it('a v=1 hash wins over legacy query parameters; ?embed and caption come from the query', () => {
    const d = decodeLocation(
      '?view=explain&strategy=split&scenario=reload&embed&caption=Hello',
      '#v=1&view=explain&compare=text-poke,text-poke-clear&scenario=reload',
    );
    expect(d.form).toBe('v1');
    expect(d.state).toEqual({
      view: 'explain',
      source: { kind: 'compare', strategies: ['text-poke', 'text-poke-clear'], scenario: 'reload' },
      embed: 'compare',
      caption: 'Hello',
    });
    expect(decodeLocation('?embed', '#v=1&view=explain&strategy=text-poke&scenario=late-load').state.embed).toBe('map');
  });
});

describe('hostile or broken links', () => {
  it('drops what it does not know, with a warning, and never throws', () => {
    const d = decodeLink(
      'v=1&view=explain&strategy=<script>&scenario=late-load&step=-1&sel=1.x&tab=evil&file=zz:a&seq=insmod:@7&row=99999999999&caption=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%0A%E2%80%AEx',
    );
    expect(d.warnings.length).toBeGreaterThan(4);
    // the known half of strategy + scenario is kept, the unknown one is the default, with a warning
    expect(d.state.source).toEqual({ kind: 'scenario', strategy: 'text-poke', scenario: 'late-load' });
    expect(d.warnings).toContain(`${unknownId('strategy', '<script>')}: showing text-poke instead`);
    expect(d.state.step).toBeUndefined();
    expect(d.state.tab).toBeUndefined();
    expect(d.state.row).toBeUndefined();
    // a caption is text: kept (rendered as text by the app), control characters stripped
    expect(d.state.caption).toBe('<img src=x onerror=alert(1)>x');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        decodeLink(s);
        decodeLocation(`?${s}`, `#${s}`);
      }),
    );
  });
  it('a link to a strategy that does not exist keeps its scenario and step, and says what it dropped', () => {
    const d = decodeLink('v=1&view=explain&strategy=v5.3-flip&scenario=late-load&step=40&tab=evil');
    expect(d.state).toEqual({
      view: 'explain',
      source: { kind: 'scenario', strategy: 'text-poke', scenario: 'late-load' },
      step: 40,
    });
    expect(d.warnings).toEqual([
      `unknown tab "evil"`,
      "unknown strategy 'v5.3-flip' (known: v5.4-flip, klp-text, klp-text-ro, split, text-poke, text-poke-clear, " +
        'module-memory, forbid-late, deny-unload): showing text-poke instead',
    ]);
    expect(decodeLink('v=1&view=explain&strategy=split&scenario=nope').state.source).toEqual({
      kind: 'scenario',
      strategy: 'split',
      scenario: 'late-load',
    });
    const neither = decodeLink('v=1&view=explain&strategy=nope&scenario=nope');
    expect(neither.state.source).toBeUndefined();
    expect(neither.warnings).toEqual([
      unknownId('scenario', 'nope'),
      `${unknownId('strategy', 'nope')}: showing the default story`,
    ]);
  });
  it('caps captions and file names', () => {
    expect(decodeLink(`v=1&view=inspect&caption=${'x'.repeat(5000)}`).state.caption).toHaveLength(MAX_CAPTION);
    const name = 'n'.repeat(1000);
    const d = decodeLink(`v=1&view=inspect&file=${'a'.repeat(64)}:${name}&open=@0`);
    expect(d.state.open).toEqual({ kind: 'file', sha256: 'a'.repeat(64), name: 'n'.repeat(MAX_FILE_NAME) });
  });
  it('a newer version is read as v=1 with a warning', () => {
    const d = decodeLink('v=2&view=explain&strategy=text-poke&scenario=reload');
    expect(d.warnings[0]).toMatch(/version/);
    expect(d.state.source).toEqual({ kind: 'scenario', strategy: 'text-poke', scenario: 'reload' });
  });
});

describe('step references', () => {
  const steps = [
    { path: ['load_module'] },
    { path: ['load_module', 'apply_relocate_add'] },
    { path: ['x', 'apply_relocate_add'] },
    { path: ['y'], source: { fn: 'z' } },
  ];
  it('by index (clamped) or by the nth step of a kernel function', () => {
    expect(resolveStep(2, steps)).toBe(2);
    expect(resolveStep(99, steps)).toBe(3);
    expect(resolveStep({ fn: 'apply_relocate_add', nth: 1 }, steps)).toBe(1);
    expect(resolveStep({ fn: 'apply_relocate_add', nth: 2 }, steps)).toBe(2);
    expect(resolveStep({ fn: 'apply_relocate_add', nth: 'last' }, steps)).toBe(2);
    expect(resolveStep({ fn: 'z', nth: 1 }, steps)).toBe(3);
    expect(resolveStep({ fn: 'nope', nth: 1 }, steps)).toBeUndefined();
  });
});

describe('sha256', () => {
  it('matches node:crypto at block boundaries and on random data', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      const want = createHash('sha256').update(data).digest('hex');
      expect(sha256Sync(data)).toBe(want);
      expect(await sha256Hex(data)).toBe(want);
      expect(sha256Sync(data.subarray(0))).toBe(want);
    }
    const big = new Uint8Array(300).fill(9);
    expect(sha256Sync(big.subarray(3, 200))).toBe(createHash('sha256').update(big.subarray(3, 200)).digest('hex'));
  });
});
