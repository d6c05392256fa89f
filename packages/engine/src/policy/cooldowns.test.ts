import { describe, expect, it } from 'vitest';
import { begin, candidate, contact, DAY, demoPolicy, HOUR, MINUTE, NOW } from './test-fixtures.js';

describe('cooldowns', () => {
  it('rests the same action for 4h after an impression, saying how long ago and until when', () => {
    const history = [contact({ channel: 'web', at: NOW - 72 * MINUTE })];
    const evaluation = begin('web', history);
    expect(evaluation.check(candidate())).toEqual({
      reason: 'COOLDOWN',
      rule: 'same-action-after-impression',
      detail: 'cooldown same-action-after-impression: impression 1h 12m ago for this action, rests 4h',
      until: NOW - 72 * MINUTE + 4 * HOUR,
    });
    expect(evaluation.check(candidate({ actionId: 'roam-pass-5gb' }))).toBeUndefined();
  });

  it('is over exactly `duration` after the impression', () => {
    expect(begin('web', [contact({ channel: 'web', at: NOW - 4 * HOUR })]).check(candidate())).toBeUndefined();
    expect(begin('web', [contact({ channel: 'web', at: NOW - 4 * HOUR + 1 })]).check(candidate())?.reason).toBe(
      'COOLDOWN',
    );
  });

  it('without a channel filter, an SMS puts the same action to rest on every channel', () => {
    expect(begin('app', [contact({ channel: 'sms', at: NOW - HOUR })]).check(candidate())?.reason).toBe('COOLDOWN');
  });

  it('runs from the latest matching impression', () => {
    const history = [contact({ channel: 'web', at: NOW - 3 * HOUR }), contact({ channel: 'web', at: NOW - HOUR })];
    expect(begin('web', history).check(candidate())?.until).toBe(NOW + 3 * HOUR);
  });

  it('ignores other outcomes than `after`', () => {
    const history = [contact({ channel: 'web', outcome: 'click', at: NOW - HOUR })];
    expect(begin('web', history).check(candidate())).toBeUndefined();
  });

  it('after: accept, per: group rests the whole group after an accept', () => {
    const policy = demoPolicy({
      cooldowns: [{ id: 'group-rest-after-accept', per: 'group', after: 'accept', duration: '7d' }],
    });
    const history = [
      contact({ actionId: 'roam-pass-1gb', group: 'Roaming', outcome: 'accept', at: NOW - 2 * DAY }),
      contact({ actionId: 'plan-upgrade', group: 'Plans', outcome: 'impression', at: NOW - 2 * DAY }),
    ];
    const evaluation = begin('web', history, { policy });
    expect(evaluation.check(candidate({ actionId: 'roam-pass-5gb', group: 'Roaming' }))).toEqual({
      reason: 'COOLDOWN',
      rule: 'group-rest-after-accept',
      detail: 'cooldown group-rest-after-accept: accept 2d ago for this group, rests 7d',
      until: NOW + 5 * DAY,
    });
    expect(evaluation.check(candidate({ actionId: 'plan-xl', group: 'Plans' }))).toBeUndefined();
  });

  it('per subscriber with a channel filter: a gap between any two SMS', () => {
    const policy = demoPolicy({ caps: [], cooldowns: [{ id: 'sms-gap', channel: 'sms', duration: '2h' }] });
    const history = [contact({ actionId: 'other', channel: 'sms', at: NOW - HOUR })];
    expect(begin('sms', history, { policy }).check(candidate())).toMatchObject({
      rule: 'sms-gap',
      detail: 'cooldown sms-gap: impression 1h ago, rests 2h',
    });
    expect(begin('email', history, { policy }).check(candidate())).toBeUndefined();
    // An SMS cooldown is not started by an email.
    const email = [contact({ actionId: 'other', channel: 'email', at: NOW - HOUR })];
    expect(begin('sms', email, { policy }).check(candidate())).toBeUndefined();
  });

  it('a mandatory contact starts a cooldown too (it is a real contact)', () => {
    const policy = demoPolicy({ caps: [], cooldowns: [{ id: 'sms-gap', channel: 'sms', duration: '2h' }] });
    const history = [contact({ actionId: 'outage-notice', mandatory: true, at: NOW - HOUR })];
    expect(begin('sms', history, { policy }).check(candidate())?.rule).toBe('sms-gap');
  });
});
