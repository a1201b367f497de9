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
