import { describe, expect, it } from 'vitest';
import { compileContactPolicy } from './contact-policy.js';
import { policyReasons } from './reasons.js';
import {
  begin,
  candidate,
  contact,
  DAY,
  demoPolicy,
  demoPolicyYaml,
  HOUR,
  NOW,
  withDefaults,
} from './test-fixtures.js';

describe('compileContactPolicy', () => {
  it('horizonMs is the longest look-back: a suppression looks back within + for', () => {
    expect(demoPolicy().horizonMs).toBe(44 * DAY);
    expect(demoPolicy({ suppression: [] }).horizonMs).toBe(30 * DAY);
    expect(demoPolicy({ caps: [], cooldowns: [], suppression: [] }).horizonMs).toBe(0);
  });

  it('compiles a deep-frozen config, as the loader hands it over', () => {
    const config = withDefaults(demoPolicyYaml());
    const freeze = (value: unknown): void => {
      if (value && typeof value === 'object') {
        Object.freeze(value);
        for (const child of Object.values(value)) freeze(child);
      }
    };
    freeze(config);
    const policy = compileContactPolicy(config);
    expect(policy.defaultTimeZone).toBe('Europe/Amsterdam');
    expect(begin('sms', [contact({ actionId: 'x' })], { policy }).check(candidate())?.rule).toBe('sms-per-day');
  });

  it('keeps decisions independent: one evaluation per decision, the policy shared', () => {
    const policy = demoPolicy();
    const busy = begin('sms', [contact({ actionId: 'x' })], { policy });
    const quiet = begin('sms', [], { policy });
    expect(busy.check(candidate())?.rule).toBe('sms-per-day');
    expect(quiet.check(candidate())).toBeUndefined();
    expect(busy.check(candidate())?.rule).toBe('sms-per-day');
  });

  it('allows a candidate nothing applies to', () => {
    expect(begin('agent', [contact({ channel: 'agent', actionId: 'other', at: NOW - HOUR })]).check(candidate())).toBe(
      undefined,
    );
  });

  it('ignores history that no rule matches', () => {
    const old = [
      contact({ at: NOW - 60 * DAY, outcome: 'reject' }),
      contact({ at: NOW - 59 * DAY, outcome: 'reject' }),
    ];
    expect(begin('web', old).check(candidate())).toBeUndefined();
  });
});

describe('policyReasons', () => {
  it('describes every reason a verdict can carry in one line', () => {
    expect(Object.keys(policyReasons).sort()).toEqual(
      [
        'CAP_REACHED',
        'COOLDOWN',
        'NO_MARKETING_CONSENT',
        'OPTED_OUT',
        'QUIET_HOURS',
        'SUPPRESSED_AFTER_REJECTS',
        'UNKNOWN_CHANNEL',
      ].sort(),
    );
    for (const description of Object.values(policyReasons)) expect(description).not.toContain('\n');
  });
});
