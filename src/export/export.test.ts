// Exports of one step: the plain-text (ASCII) report, snapshotted for a known step (5.4's RWX
// window on late-load), the SVG figure (well-formed, legend, the step's title as text), and the
// strip of a phase's steps (one frame per step, one legend, every title as text).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../engine/scenario.ts';
import { encodeLink, resolveStep } from '../permalink/permalink.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { stepAscii, stepReport } from '../trace/ascii.ts';
import { phaseRuns } from '../trace/phases.ts';
import { phaseRunAt, phaseStripSvg } from './phase_strip.ts';
import { stepSvg } from './step_svg.ts';

const vmlinux = builtinVmlinux();
const mods = await demoModules();
const run = runScenario('v5.4-flip', 'late-load', mods, vmlinux);
if (run.kind !== 'trace') throw new Error('v5.4-flip late-load refused');
const trace = run.trace;
const step = resolveStep({ fn: 'klp_write_object_relocations', nth: 'last' }, trace.steps)!;
const link = `https://example.org/klp-lab/#${encodeLink({ view: 'explain', source: { kind: 'scenario', strategy: 'v5.4-flip', scenario: 'late-load' }, step })}`;

describe('ASCII export', () => {
  const text = stepReport(trace, step, { heading: 'klp-lab: v5.4-flip × late-load', link });
  it('the 5.4 RWX window, as a mail would show it', () => {
    expect(text.join('\n')).toMatchSnapshot();
  });
  it('fits 78 columns except the link, carries narration, pages and the permalink', () => {
    const body = text.slice(0, -1);
    for (const line of body) expect(line.length, line).toBeLessThanOrEqual(78);
    expect(text.at(-1)).toBe(link);
    expect(text.join('\n')).toContain('RWX!');
    expect(text.join('\n')).toContain(trace.steps[step]!.path.at(-1)!);
    expect(text.some((l) => /klp_demo_patch core\s+!/.test(l))).toBe(true);
  });
  it('the CLI prints the same report for --step (without a link)', () => {
    expect(stepAscii(trace, step)).toEqual(stepReport(trace, step));
  });
  it('every step of every run fits 78 columns', () => {
    for (let i = 0; i < trace.steps.length; i++)
      for (const line of stepAscii(trace, i)) expect(line.length, `step ${i}: ${line}`).toBeLessThanOrEqual(78);
  });
});

describe('SVG export', () => {
  const svg = stepSvg([{ trace, step }], {
    title: 'v5.4-flip × late-load',
    caption: 'The <5.4> RWX window & more',
    link,
  });
  it('is one well-formed svg element with the legend, the title and the step title as text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // well-formed enough: every tag closes, nothing unescaped in text
    const stack: string[] = [];
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[4]) stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    expect(svg.replace(/<[^<>]*>/g, '')).not.toMatch(/[<>]/);
    expect(svg).toContain('data-role="legend"');
    expect(svg).toContain('writable AND executable: W^X broken');
    expect(svg).toContain('data-role="step-title"');
    expect(svg).toContain('RWX!');
    expect(svg).toContain('The &lt;5.4&gt; RWX window &amp; more');
  });
});

describe('phase strip export', () => {
  // The phase of the 5.4 RWX window: the patch's relocations written while its text is RWX.
  const run = phaseRunAt(trace, step)!;
  const svg = phaseStripSvg(trace, run, { title: 'v5.4-flip × late-load', link });
  const frames = [...svg.matchAll(/<g transform="[^"]*" data-role="frame" data-step="(\d+)">/g)].map((m) =>
    Number(m[1]),
  );
  it('is the run of phase markers holding the step', () => {
    expect(phaseRuns(trace)).toContainEqual(run);
    expect(run.to - run.from).toBeGreaterThan(1);
  });
  it('has one frame per step of the phase, in order, each with its map', () => {
    expect(frames).toEqual(Array.from({ length: run.to - run.from }, (_, i) => run.from + i));
    expect(svg.match(/data-role="map"/g)).toHaveLength(frames.length);
  });
  it('has the legend once', () => {
    expect(svg.match(/data-role="legend"/g)).toHaveLength(1);
    expect(svg.match(/writable AND executable: W\^X broken/g)).toHaveLength(1);
  });
  it("carries each step's number and title as text", () => {
    const plain = (s: string) =>
      s
        .replace(/<[^<>]*>/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    for (let i = run.from; i < run.to; i++) {
      const frame = svg.split(`data-step="${i}">`)[1]!.split('data-role="frame"')[0]!;
      const titleText = [...frame.matchAll(/<text[^>]*data-role="frame-title"[^>]*>([^<]*)<\/text>/g)]
        .map((m) => plain(m[1]!))
        .join(' ');
      expect(frame).toContain(`>step ${i}</text>`);
      expect(titleText.replace(/\s+/g, ' ')).toContain(trace.steps[i]!.title.replace(/\s+/g, ' ').slice(0, 40));
      expect(plain(frame)).toContain(trace.steps[i]!.title);
    }
  });
  it('is well-formed', () => {
    const stack: string[] = [];
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[4]) stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    expect(svg.replace(/<[^<>]*>/g, '')).not.toMatch(/[<>]/);
  });
});
