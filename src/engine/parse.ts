// Untrusted text to the core's ids: the one place a string from a link, a command line or a form
// becomes a KernelId, StrategyId, ScenarioId or Role. Each returns undefined for anything else;
// the caller words the refusal (a link drops the field with a warning, the CLI exits 1).
import type { KernelId } from '../kernel/profile.ts';
import { ROLES, type Role, type ScenarioId, scenarios } from '../scenarios/scenarios.ts';
import { type StrategyId, strategies } from '../strategies/strategies.ts';
import { KERNEL_IDS } from './kernels.ts';

export const parseKernelId = (s: string | null | undefined): KernelId | undefined => KERNEL_IDS.find((k) => k === s);

export const parseStrategyId = (s: string | null | undefined): StrategyId | undefined =>
  strategies.find((x) => x.id === s)?.id;

export const parseScenarioId = (s: string | null | undefined): ScenarioId | undefined =>
  scenarios.find((x) => x.id === s)?.id;

export const parseRole = (s: string | null | undefined): Role | undefined => ROLES.find((r) => r === s);

const KNOWN = {
  kernel: () => KERNEL_IDS,
  strategy: () => strategies.map((s) => s.id),
  scenario: () => scenarios.map((s) => s.id),
  role: () => ROLES,
} as const;

/** The longest piece of untrusted text a refusal quotes. */
const QUOTED = 40;

/**
 * Why `text` was refused as a `kind` id, worded for whoever wrote it (a link's warning, the CLI):
 * "unknown strategy 'v5.3-flip' (known: v5.4-flip, klp-text, …)". The text is quoted, capped and
 * stripped of control characters; the caller renders it as text.
 */
export function unknownId(kind: keyof typeof KNOWN, text: string): string {
  const clean = [...text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')];
  const quoted = clean.length > QUOTED ? `${clean.slice(0, QUOTED).join('')}…` : clean.join('');
  return `unknown ${kind} '${quoted}' (known: ${KNOWN[kind]().join(', ')})`;
}
