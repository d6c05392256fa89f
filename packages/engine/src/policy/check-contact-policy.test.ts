import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { checkContactPolicy } from './check-contact-policy.js';
import { ContactPolicyError } from './config-problem.js';
import { compileContactPolicy } from './contact-policy.js';
import { ContactPolicySchema } from './schema.js';
import { demoPolicyYaml, withDefaults } from './test-fixtures.js';

/** The demo file with values set at JSON pointers, defaults applied as the loader does. */
function edited(changes: Record<string, unknown>) {
  const file = demoPolicyYaml();
  for (const [path, value] of Object.entries(changes)) {
    const keys = path
      .slice(1)
      .split('/')
      .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop()!;
    let node = file;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    node[last] = value;
  }
  return withDefaults(file);
}

describe('ContactPolicySchema', () => {
  it('accepts the demo file', () => {
    expect([...Value.Errors(ContactPolicySchema, withDefaults(demoPolicyYaml()))]).toEqual([]);
  });

  it('applies defaults: zone, per, after and empty rule lists', () => {
    const config = withDefaults({
      channels: { web: { direction: 'inbound' } },
      caps: [{ id: 'c', max: 1, window: '1d' }],
      cooldowns: [{ id: 'd', duration: '4h' }],
    });
    expect(Value.Check(ContactPolicySchema, config)).toBe(true);
    expect(config.defaultTimeZone).toBe('UTC');
    expect(config.caps[0]?.per).toBe('subscriber');
    expect(config.cooldowns[0]).toMatchObject({ per: 'subscriber', after: 'impression' });
    expect(config.suppression).toEqual([]);
  });

  it('reports shape errors with their paths', () => {
    const config = edited({
      '/caps/0/maxx': 1,
      '/caps/1/max': -1,
      '/channels/sms/direction': 'sideways',
      '/cooldowns/0/after': 'ignored',
      '/suppression/0/rejects': 0,
    });
    const paths = new Set([...Value.Errors(ContactPolicySchema, config)].map((e) => e.path));
    expect(paths).toEqual(
      new Set([
        '/caps/0/maxx',
        '/caps/1/max',
        '/channels/sms/direction',
        '/cooldowns/0/after',
        '/suppression/0/rejects',
      ]),
    );
  });

  it('requires channels', () => {
    const paths = [...Value.Errors(ContactPolicySchema, withDefaults({}))].map((e) => e.path);
    expect(paths).toContain('/channels');
  });
});

describe('checkContactPolicy', () => {
  it('finds nothing wrong with the demo file', () => {
    expect(checkContactPolicy(withDefaults(demoPolicyYaml()))).toEqual([]);
  });

  it('reports bad durations with their paths', () => {
    const problems = checkContactPolicy(
      edited({
        '/caps/2/window': '1 day',
        '/caps/3/window': '0d',
        '/cooldowns/0/duration': '4hours',
        '/suppression/0/within': '1mo',
        '/suppression/0/for': '-14d',
      }),
    );
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['/caps/2/window', 'POLICY_INVALID_DURATION'],
      ['/caps/3/window', 'POLICY_INVALID_DURATION'],
      ['/cooldowns/0/duration', 'POLICY_INVALID_DURATION'],
      ['/suppression/0/within', 'POLICY_INVALID_DURATION'],
      ['/suppression/0/for', 'POLICY_INVALID_DURATION'],
    ]);
    expect(problems[0]?.message).toBe(
      'window must be a positive whole number with a unit (ms, s, m, h, d, w) such as 7d, at most 100 years, got "1 day"',
    );
  });

  it('reports bad and empty quiet hours', () => {
    const problems = checkContactPolicy(
      edited({
        '/channels/sms/quietHours': { from: '25:00', to: '8:00' },
        '/channels/push/quietHours': { from: '22:00', to: '22:00' },
        '/channels/ivr~1voice': { direction: 'outbound', quietHours: { from: '21:00', to: 'morning' } },
      }),
    );
    expect(problems).toEqual([
      {
        path: '/channels/sms/quietHours/from',
        code: 'POLICY_INVALID_CLOCK_TIME',
        message: 'must be a time of day as HH:MM (00:00 to 23:59), got "25:00"',
      },
      {
        path: '/channels/sms/quietHours/to',
        code: 'POLICY_INVALID_CLOCK_TIME',
        message: 'must be a time of day as HH:MM (00:00 to 23:59), got "8:00"',
      },
      {
        path: '/channels/push/quietHours',
        code: 'POLICY_EMPTY_QUIET_HOURS',
        message: 'quiet hours from 22:00 to 22:00 are empty; remove quietHours',
      },
      {
        path: '/channels/ivr~1voice/quietHours/to',
        code: 'POLICY_INVALID_CLOCK_TIME',
        message: 'must be a time of day as HH:MM (00:00 to 23:59), got "morning"',
      },
    ]);
  });

  it('reports an unknown default time zone', () => {
    expect(checkContactPolicy(edited({ '/defaultTimeZone': 'Europe/Atlantis' }))).toEqual([
      {
        path: '/defaultTimeZone',
        code: 'POLICY_INVALID_TIME_ZONE',
        message: '"Europe/Atlantis" is not an IANA time zone (e.g. Europe/Amsterdam)',
      },
    ]);
  });

  it('reports duplicate ids across caps, cooldowns and suppression', () => {
    const problems = checkContactPolicy(
      edited({ '/caps/1/id': 'sms-per-day', '/suppression/0/id': 'same-action-after-impression' }),
    );
    expect(problems).toEqual([
      { path: '/caps/1/id', code: 'POLICY_DUPLICATE_RULE_ID', message: 'id "sms-per-day" is already used at /caps/0' },
      {
        path: '/suppression/0/id',
        code: 'POLICY_DUPLICATE_RULE_ID',
        message: 'id "same-action-after-impression" is already used at /cooldowns/0',
      },
    ]);
  });

  it('reports an unknown per', () => {
    expect(checkContactPolicy(edited({ '/caps/4/per': 'household' }))).toEqual([
      {
        path: '/caps/4/per',
        code: 'POLICY_INVALID_PER',
        message: 'per must be one of subscriber, action, group, issue, got "household"',
      },
    ]);
  });

  it('reports channels that are not defined', () => {
    const problems = checkContactPolicy(
      edited({
        '/caps/1/channel': ['sms', 'email', 'whatsapp'],
        '/cooldowns/0/channel': 'fax',
        '/marketingConsent/channels': ['sms', 'mms'],
      }),
    );
    expect(problems.map((p) => [p.path, p.code, p.message])).toEqual([
      ['/marketingConsent/channels/1', 'POLICY_UNKNOWN_CHANNEL', 'channel "mms" is not defined under channels'],
      ['/caps/1/channel/2', 'POLICY_UNKNOWN_CHANNEL', 'channel "whatsapp" is not defined under channels'],
      ['/cooldowns/0/channel', 'POLICY_UNKNOWN_CHANNEL', 'channel "fax" is not defined under channels'],
    ]);
  });

  it('makes compileContactPolicy throw with every problem', () => {
    const config = edited({ '/caps/0/window': 'daily', '/defaultTimeZone': 'Nowhere' });
    let thrown: unknown;
    try {
      compileContactPolicy(config);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContactPolicyError);
    const error = thrown as ContactPolicyError;
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.problems.map((p) => p.path)).toEqual(['/defaultTimeZone', '/caps/0/window']);
    expect(error.message).toContain('/caps/0/window  POLICY_INVALID_DURATION');
  });
});
