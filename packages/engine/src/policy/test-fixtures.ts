// Shared fixtures for the policy tests: the demo policy, fixed instants, and record/candidate builders.
import { Value } from '@sinclair/typebox/value';
import type { ContactRecord } from './contact-history.js';
import { type ContactPolicy, compileContactPolicy, type PolicyProfile } from './contact-policy.js';
import type { PolicyCandidate } from './policy-verdict.js';
import { type ContactPolicyConfig, ContactPolicySchema } from './schema.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Wednesday 12 March 2025, 10:00 UTC (11:00 in Amsterdam): never the wall clock. */
export const NOW = Date.UTC(2025, 2, 12, 10, 0, 0);

/** The demo `contact-policy.yaml`, as the YAML loader hands it over. */
export function demoPolicyYaml(): Record<string, unknown> {
  return {
    defaultTimeZone: 'Europe/Amsterdam',
    channels: {
      web: { direction: 'inbound' },
      app: { direction: 'inbound' },
      agent: { direction: 'inbound' },
      sms: { direction: 'outbound', consent: 'sms', quietHours: { from: '21:00', to: '08:00' } },
      email: { direction: 'outbound', consent: 'email' },
      push: { direction: 'outbound', consent: 'push', quietHours: { from: '22:00', to: '08:00' } },
    },
    marketingConsent: { key: 'marketing', channels: ['sms', 'email', 'push'] },
    caps: [
      { id: 'sms-per-day', channel: 'sms', max: 1, window: '1d' },
      { id: 'marketing-per-week', channel: ['sms', 'email', 'push'], max: 3, window: '7d' },
      { id: 'banner-per-action-per-day', channel: ['web', 'app'], per: 'action', max: 3, window: '1d' },
      { id: 'retention-per-month', issue: 'Retention', max: 2, window: '30d' },
      { id: 'devices-group-per-week', group: 'Devices', max: 2, window: '7d' },
    ],
    cooldowns: [{ id: 'same-action-after-impression', per: 'action', after: 'impression', duration: '4h' }],
    suppression: [{ id: 'rejected-twice', per: 'action', rejects: 2, within: '30d', for: '14d' }],
  };
}

/** A policy file with the schema's defaults applied, as the loader does before checking it. */
export function withDefaults(data: unknown): ContactPolicyConfig {
  return Value.Default(ContactPolicySchema, structuredClone(data)) as ContactPolicyConfig;
}

/** Compiles the demo policy, optionally with some top-level sections replaced. */
export function demoPolicy(overrides: Record<string, unknown> = {}): ContactPolicy {
  return compileContactPolicy(withDefaults({ ...demoPolicyYaml(), ...overrides }));
}

/** A subscriber at home in Amsterdam who consented to everything. */
export const consentingProfile: PolicyProfile = {
  timeZone: 'Europe/Amsterdam',
  consent: { marketing: true, sms: true, email: true, push: true },
};

export function candidate(overrides: Partial<PolicyCandidate> = {}): PolicyCandidate {
  return { actionId: 'roam-pass-2gb', issue: 'Growth', group: 'Roaming', mandatory: false, ...overrides };
}

export function contact(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    at: NOW - HOUR,
    subscriberId: 'SUB-00000001',
    decisionId: 'dec-1',
    actionId: 'roam-pass-2gb',
    issue: 'Growth',
    group: 'Roaming',
    channel: 'sms',
    outcome: 'impression',
    mandatory: false,
    ...overrides,
  };
}

/** One decision's evaluation on the demo policy (or another), at `NOW` for the consenting subscriber by default. */
export function begin(
  channel: string,
  history: readonly ContactRecord[] = [],
  options: { policy?: ContactPolicy; now?: number; profile?: PolicyProfile } = {},
) {
  return (options.policy ?? demoPolicy()).begin({
    channel,
    now: options.now ?? NOW,
    profile: options.profile ?? consentingProfile,
    history,
  });
}
