// What is on screen → a link → the page that link opens: the same view, request, step, row and
// selection, the user's own files asked for again when the new page does not have them; and the
// start link's step taken once, by the first run of the linked request only.
import { describe, expect, it } from 'vitest';
import { decodeLocation, encodeLink } from '../../src/permalink/permalink.ts';
import type { AppRequest } from '../explain/state/request.ts';
import {
  fileWithHash,
  type LinkedFile,
  linkedRow,
  linkedStep,
  linkOf,
  type Pending,
  rowDropped,
  type Screen,
  type Start,
  sourceFromLink,
  sourceToLink,
  startOf,
} from './link_state.ts';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const mine: LinkedFile & { origin: 'file' } = { key: 'f3', name: 'my_patch.ko', sha256: SHA_A, origin: 'file' };
const veth: LinkedFile & { origin: 'sample' } = { key: 'f1', name: 'veth.ko', origin: 'sample' };
const builtins = [
  { id: 'klp_demo_target', file: 'klp/klp_demo_target.ko' },
  { id: 'veth', file: 'debian/veth.ko' },
];

function screen(patch: {
  inspector?: Partial<Screen['inspector']>;
  explain?: Partial<Screen['explain']>;
  compare?: Partial<Screen['compare']>;
}): Screen {
  return {
    inspector: {
      view: 'explain',
      files: [veth, mine],
      builtins,
      currentKey: null,
      tab: 'sections',
      selectedSection: null,
      selectedSymbol: null,
      relocationSection: null,
      ...patch.inspector,
    },
    explain: { ran: null, trace: null, step: 0, selection: { kind: 'none' }, ...patch.explain },
    compare: { alignment: null, row: 0, ...patch.compare },
  };
}

/** The page a copied link opens, with `files` open there: its address bar holds `#<link>`. */
function reopen(s: Screen, files: LinkedFile[] = []): { start: Start; link: ReturnType<typeof decodeLocation> } {
  const state = linkOf(s);
  if (!state) throw new Error('nothing to link');
  const link = decodeLocation('', `#${encodeLink(state)}`);
  return { start: startOf(link, files), link };
}

const sequence: AppRequest = {
  kind: 'sequence',
  kernel: '6.1',
  fakeMissingSymbols: true,
  ops: [
    { op: 'insmod', module: { kind: 'sample', id: 'klp_demo_target' } },
    { op: 'insmod', module: { kind: 'file', key: 'f3' } },
    { op: 'rmmod', name: 'klp_demo_target' },
  ],
};

describe('app state → link → app state', () => {
  it('a sequence at a step with a write selected opens on the same request, step and selection', () => {
    const { start } = reopen(
      screen({ explain: { ran: sequence, trace: {}, step: 7, selection: { kind: 'write', step: 7, event: 2 } } }),
      [{ key: 'g1', name: 'renamed.ko', sha256: SHA_A }],
    );
    expect(start.view).toBe('explain');
    // the user's file is found by its content on the new page, under that page's key
    expect(start.source).toEqual({
      ...sequence,
      ops: [sequence.ops[0], { op: 'insmod', module: { kind: 'file', key: 'g1' } }, sequence.ops[2]],
    });
    expect(start.pending).toMatchObject({ missing: [], step: 7, select: { step: 7, event: 2 } });
    expect(start.pending.sourceKey).toBe(
      encodeLink({
        view: 'explain',
        source: sourceToLink(sequence, [{ key: 'f3', name: 'my_patch.ko', sha256: SHA_A }]),
      }),
    );
  });

  it('without the user’s file the request waits: the file is asked for by hash and name', () => {
    const { start } = reopen(screen({ explain: { ran: sequence, trace: {}, step: 3 } }));
    expect(start.source).toBeUndefined();
    expect(start.pending.missing).toEqual([{ sha256: SHA_A, name: 'my_patch.ko' }]);
    expect(start.pending.step).toBe(3);
  });

  it('a scenario with a user’s file in a role, and a comparison at a row', () => {
    const scenario: AppRequest = {
      kind: 'scenario',
      strategy: 'klp-text',
      scenario: 'reload',
      roles: { P: { kind: 'file', key: 'f3' }, T: { kind: 'sample', id: 'klp_demo_target' } },
    };
    expect(reopen(screen({ explain: { ran: scenario, trace: {}, step: 0 } }), [mine]).start.source).toEqual(scenario);

    const compare: AppRequest = { kind: 'compare', strategies: ['v5.4-flip', 'text-poke'], scenario: 'late-load' };
    const { start } = reopen(screen({ explain: { ran: compare }, compare: { alignment: {}, row: 12 } }));
    expect(start.source).toEqual(compare);
    expect(start.pending.row).toBe(12);
    expect(linkedRow(start.pending, ['v5.4-flip', 'text-poke'], 'late-load')).toBe(12);
    expect(linkedRow(start.pending, ['v5.4-flip', 'text-poke'], 'reload')).toBeUndefined();
    expect(linkedRow(start.pending, ['text-poke', 'v5.4-flip'], 'late-load')).toBeUndefined();
  });

  it('the inspector: the open module (a built-in one by id, a user’s file by hash), its tab and selections', () => {
    const inspector = {
      view: 'inspect' as const,
      currentKey: 'f1',
      tab: 'relocations',
      selectedSection: 4,
      selectedSymbol: 9,
      relocationSection: 5,
    };
    const { start, link } = reopen(screen({ inspector }));
    expect(start).toEqual({ view: 'inspect', pending: { missing: [] } });
    expect(link.state).toEqual({
      view: 'inspect',
      open: { kind: 'sample', id: 'veth' },
      tab: 'relocations',
      section: 4,
      symbol: 9,
      relsec: 5,
    });
    const own = reopen(screen({ inspector: { ...inspector, currentKey: 'f3', tab: 'sections' } })).link.state;
    expect(own).toEqual({
      view: 'inspect',
      open: { kind: 'file', sha256: SHA_A, name: 'my_patch.ko' },
      section: 4,
      symbol: 9,
      relsec: 5,
    });
  });

  it('nothing to link while the explainer has not run, nor while a comparison is still aligning', () => {
    expect(linkOf(screen({}))).toBeUndefined();
    expect(linkOf(screen({ explain: { ran: sequence, trace: null } }))).toBeUndefined();
    const compare: AppRequest = { kind: 'compare', strategies: ['v5.4-flip', 'text-poke'], scenario: 'late-load' };
    expect(linkOf(screen({ explain: { ran: compare } }))).toBeUndefined();
  });
});

describe('modules of a request ↔ a link', () => {
  it('a file named twice is asked for once; a file without a hash cannot be linked and is left out', () => {
    const twice = sourceToLink(
      {
        kind: 'sequence',
        kernel: '6.1',
        fakeMissingSymbols: false,
        ops: [
          { op: 'insmod', module: { kind: 'file', key: 'f3' } },
          { op: 'insmod', module: { kind: 'file', key: 'f3' } },
          { op: 'insmod', module: { kind: 'file', key: 'f1' } },
        ],
      },
      [veth, mine],
    );
    expect(twice.kind === 'sequence' && twice.ops).toHaveLength(2);
    expect(sourceFromLink(twice, [])).toEqual({ missing: [{ sha256: SHA_A, name: 'my_patch.ko' }] });
    expect(fileWithHash([veth, mine], SHA_A)).toBe('f3');
    expect(fileWithHash([veth, mine], SHA_B)).toBeUndefined();
  });
});

describe('the start link’s step, taken once', () => {
  const steps = [
    { path: ['load_module', 'move_module'] },
    { path: ['load_module', 'apply_relocations'] },
    { path: ['load_module', 'complete_formation', 'module_enable_ro'] },
    { path: ['do_init_module', 'module_enable_ro'] },
  ];
  const files = [mine];
  const linked = (p: Partial<Pending>): Pending => ({
    missing: [],
    sourceKey: encodeLink({ view: 'explain', source: sourceToLink(sequence, files) }),
    ...p,
  });

  it('the linked request restores its step and selection', () => {
    expect(linkedStep(linked({ step: 2, select: { step: 2, event: 0 } }), sequence, files, steps)).toEqual({
      taken: true,
      step: 2,
      select: { step: 2, event: 0 },
    });
  });

  it('a step named by kernel function: the nth step in it, or the last', () => {
    expect(linkedStep(linked({ step: { fn: 'module_enable_ro', nth: 1 } }), sequence, files, steps).step).toBe(2);
    expect(linkedStep(linked({ step: { fn: 'module_enable_ro', nth: 'last' } }), sequence, files, steps).step).toBe(3);
    expect(linkedStep(linked({ step: 99 }), sequence, files, steps)).toEqual({
      taken: true,
      step: 3,
      dropped: ['step 99 is out of range (this run has steps 0–3): showing step 3'],
    });
    expect(linkedStep(linked({ step: { fn: 'module_enable_ro', nth: 5 } }), sequence, files, steps)).toEqual({
      taken: true,
      step: 3,
      dropped: ['step module_enable_ro.5: this run has 2 steps in module_enable_ro(): showing the last, step 3'],
    });
  });

  it('a selection beyond the trace is dropped; a function the trace lacks leaves the step to 0', () => {
    expect(linkedStep(linked({ select: { step: 9, event: 0 } }), sequence, files, steps)).toEqual({
      taken: true,
      dropped: ['selected write 9.0: this run has no step 9'],
    });
    expect(linkedStep(linked({ step: { fn: 'klp_enable_patch', nth: 1 } }), sequence, files, steps)).toEqual({
      taken: true,
      dropped: ['step klp_enable_patch: no step of this run is in klp_enable_patch(): showing step 0'],
    });
  });

  it('a row past the comparison is named, with the row shown instead', () => {
    expect(rowDropped(12, 13)).toBeUndefined();
    expect(rowDropped(13, 13)).toBe('row 13 is out of range (this comparison has rows 0–12): showing row 12');
  });

  it('another request, or a link without a step, takes nothing', () => {
    const other: AppRequest = { ...sequence, kernel: '5.4' } as AppRequest;
    expect(linkedStep(linked({ step: 2 }), other, files, steps)).toEqual({ taken: false });
    expect(linkedStep(linked({}), sequence, files, steps)).toEqual({ taken: false });
    expect(linkedStep({ missing: [], step: 2 }, sequence, files, steps)).toEqual({ taken: false });
  });

  it('a link whose view is the inspector has no request to restore a step for', () => {
    const start = startOf(decodeLocation('', `#${encodeLink({ view: 'inspect', step: 4 })}`));
    expect(start.pending.sourceKey).toBeUndefined();
    expect(linkedStep(start.pending, sequence, files, steps)).toEqual({ taken: false });
  });
});
