import { describe, expect, it } from 'vitest';
import { begin, candidate, contact, DAY, demoPolicy, HOUR, NOW } from './test-fixtures.js';

describe('caps per channel', () => {
  it('sms-per-day blocks a second SMS within a day, and says when it lifts', () => {
    const history = [contact({ actionId: 'bill-reminder', at: NOW - HOUR })];
    expect(begin('sms', history).check(candidate())).toEqual({
      reason: 'CAP_REACHED',
      rule: 'sms-per-day',
      detail: 'cap sms-per-day: 1 of 1 contacts in 1d',
      count: 1,
      limit: 1,
      until: NOW - HOUR + DAY,
    });
  });

  it('does not apply to another channel', () => {
    const history = [contact({ actionId: 'bill-reminder', at: NOW - HOUR })];
    expect(begin('email', history).check(candidate())).toBeUndefined();
  });

  it('drops a contact exactly one window old (the window is (now - window, now])', () => {
    expect(begin('sms', [contact({ actionId: 'other', at: NOW - DAY })]).check(candidate())).toBeUndefined();
    const justInside = begin('sms', [contact({ actionId: 'other', at: NOW - DAY + 1 })]).check(candidate());
    expect(justInside).toMatchObject({ rule: 'sms-per-day', until: NOW + 1 });
  });

  it('counts a contact stamped slightly after now (another node, clock skew)', () => {
    const history = [contact({ actionId: 'other', at: NOW + 5 })];
    expect(begin('sms', history).check(candidate())?.rule).toBe('sms-per-day');
  });

  it('marketing-per-week counts SMS, email and push together, not banners', () => {
    const history = [
      contact({ actionId: 'a', channel: 'sms', at: NOW - 6 * DAY }),
      contact({ actionId: 'b', channel: 'push', at: NOW - 3 * DAY }),
      contact({ actionId: 'c', channel: 'web', at: NOW - 2.5 * DAY }),
      contact({ actionId: 'd', channel: 'email', at: NOW - 2 * DAY }),
      contact({ actionId: 'e', channel: 'sms', at: NOW - 8 * DAY }),
    ];
    expect(begin('email', history).check(candidate())).toEqual({
      reason: 'CAP_REACHED',
      rule: 'marketing-per-week',
      detail: 'cap marketing-per-week: 3 of 3 contacts in 7d',
      count: 3,
      limit: 3,
      // room for one more once the oldest counted contact (6 days ago) leaves the window
      until: NOW + DAY,
    });
    expect(begin('email', history.slice(1)).check(candidate())).toBeUndefined();
  });

  it('lifts when enough contacts age out, with more contacts than the cap', () => {
    const policy = demoPolicy({
      caps: [{ id: 'two-per-day', channel: 'web', max: 2, window: '1d' }],
      cooldowns: [],
    });
    const history = [-20, -15, -10, -5].map((h) => contact({ channel: 'web', actionId: `a${h}`, at: NOW + h * HOUR }));
    const verdict = begin('web', history, { policy }).check(candidate());
    // 4 of 2: three must age out, the third oldest (10h ago) last.
    expect(verdict).toMatchObject({ count: 4, limit: 2, until: NOW - 10 * HOUR + DAY });
  });
});

describe('caps per action', () => {
  const banner = (actionId: string, channel: string, hoursAgo: number) =>
    contact({ actionId, channel, issue: 'Growth', group: 'Plans', at: NOW - hoursAgo * HOUR });

  it('banner-per-action-per-day counts web and app impressions of the same action only', () => {
    const history = [banner('upgrade-m', 'web', 20), banner('upgrade-m', 'app', 10), banner('upgrade-m', 'web', 5)];
    const evaluation = begin('web', history);
    expect(evaluation.check(candidate({ actionId: 'upgrade-m' }))).toEqual({
      reason: 'CAP_REACHED',
      rule: 'banner-per-action-per-day',
      detail: 'cap banner-per-action-per-day: 3 of 3 contacts in 1d for this action',
      count: 3,
      limit: 3,
      until: NOW + 4 * HOUR,
    });
    expect(evaluation.check(candidate({ actionId: 'upgrade-l' }))).toBeUndefined();
  });

  it('does not count the same action shown on another channel', () => {
    const history = [banner('upgrade-m', 'web', 20), banner('upgrade-m', 'agent', 10), banner('upgrade-m', 'web', 5)];
    expect(begin('app', history).check(candidate({ actionId: 'upgrade-m' }))).toBeUndefined();
  });
});

describe('caps per issue and group', () => {
  it('retention-per-month counts Retention impressions on every channel, for Retention candidates only', () => {
    const history = [
      contact({ actionId: 'loyalty-discount', issue: 'Retention', channel: 'agent', at: NOW - 20 * DAY }),
      contact({ actionId: 'free-upgrade', issue: 'Retention', channel: 'email', at: NOW - 10 * DAY }),
    ];
    const evaluation = begin('web', history);
    expect(evaluation.check(candidate({ actionId: 'win-back', issue: 'Retention' }))).toMatchObject({
      reason: 'CAP_REACHED',
      rule: 'retention-per-month',
      count: 2,
      limit: 2,
      until: NOW + 10 * DAY,
    });
    expect(evaluation.check(candidate({ issue: 'Growth' }))).toBeUndefined();
  });

  it('a Retention contact exactly 30 days old no longer counts', () => {
    const history = [
      contact({ actionId: 'loyalty-discount', issue: 'Retention', channel: 'agent', at: NOW - 30 * DAY }),
      contact({ actionId: 'free-upgrade', issue: 'Retention', channel: 'email', at: NOW - 10 * DAY }),
    ];
    expect(begin('web', history).check(candidate({ actionId: 'win-back', issue: 'Retention' }))).toBeUndefined();
  });

  it('devices-group-per-week counts Devices impressions for Devices candidates', () => {
    const history = [
      contact({ actionId: 'phone-a', group: 'Devices', channel: 'email', at: NOW - DAY }),
      contact({ actionId: 'phone-b', group: 'Devices', channel: 'web', at: NOW - 2 * DAY }),
    ];
    const evaluation = begin('app', history);
    expect(evaluation.check(candidate({ actionId: 'phone-c', group: 'Devices' }))).toMatchObject({
      rule: 'devices-group-per-week',
      count: 2,
    });
    expect(evaluation.check(candidate({ actionId: 'phone-c', group: 'Roaming' }))).toBeUndefined();
  });

  it('per: group counts only contacts of the candidate group', () => {
    const policy = demoPolicy({ caps: [{ id: 'one-per-group', channel: 'web', per: 'group', max: 1, window: '1d' }] });
    const history = [contact({ actionId: 'x', channel: 'web', group: 'Roaming', at: NOW - 5 * HOUR })];
    const evaluation = begin('web', history, { policy });
    expect(evaluation.check(candidate({ actionId: 'y', group: 'Roaming' }))).toMatchObject({
      rule: 'one-per-group',
      detail: 'cap one-per-group: 1 of 1 contacts in 1d for this group',
    });
    expect(evaluation.check(candidate({ actionId: 'y', group: 'Plans' }))).toBeUndefined();
  });

  it('per: issue counts only contacts of the candidate issue', () => {
    const policy = demoPolicy({ caps: [{ id: 'one-per-issue', per: 'issue', max: 1, window: '7d' }] });
    const history = [contact({ actionId: 'x', channel: 'email', issue: 'Care', at: NOW - DAY })];
    const evaluation = begin('web', history, { policy });
    expect(evaluation.check(candidate({ issue: 'Care' }))?.rule).toBe('one-per-issue');
    expect(evaluation.check(candidate({ issue: 'Growth' }))).toBeUndefined();
  });

  it('an action filter limits a cap to the listed actions', () => {
    const policy = demoPolicy({
      caps: [{ id: 'nps-survey-monthly', action: ['nps-survey', 'nps-survey-short'], max: 1, window: '30d' }],
    });
    const history = [contact({ actionId: 'nps-survey-short', channel: 'email', at: NOW - 3 * DAY })];
    const evaluation = begin('web', history, { policy });
    expect(evaluation.check(candidate({ actionId: 'nps-survey' }))?.rule).toBe('nps-survey-monthly');
    expect(evaluation.check(candidate({ actionId: 'roam-pass-2gb' }))).toBeUndefined();
  });
});

describe('what caps count', () => {
  it('counts impressions only, not clicks, accepts, rejects or conversions', () => {
    const history = (['click', 'accept', 'reject', 'convert'] as const).map((outcome) =>
      contact({ actionId: 'other', outcome, at: NOW - HOUR }),
    );
    expect(begin('sms', history).check(candidate())).toBeUndefined();
  });

  it('never counts mandatory contacts', () => {
    const history = [contact({ actionId: 'bill-shock-notice', mandatory: true, at: NOW - HOUR })];
    expect(begin('sms', history).check(candidate())).toBeUndefined();
  });

  it('max: 0 closes a channel to non-mandatory actions, with no lift time', () => {
    const policy = demoPolicy({ caps: [{ id: 'no-push-marketing', channel: 'push', max: 0, window: '1d' }] });
    const expected = {
      reason: 'CAP_REACHED',
      rule: 'no-push-marketing',
      detail: 'cap no-push-marketing: 0 of 0 contacts in 1d',
      count: 0,
      limit: 0,
    };
    expect(begin('push', [], { policy }).check(candidate())).toEqual({ ...expected, until: undefined });
    const withHistory = begin('push', [contact({ channel: 'web', at: NOW - HOUR })], { policy });
    expect(withHistory.check(candidate({ actionId: 'other' }))).toEqual({ ...expected, until: undefined });
    expect(begin('push', [], { policy }).check(candidate({ mandatory: true }))).toBeUndefined();
  });

  it('gives every candidate blocked by a subscriber-wide cap the same verdict object', () => {
    const evaluation = begin('sms', [contact({ actionId: 'other', at: NOW - HOUR })]);
    const first = evaluation.check(candidate({ actionId: 'a' }));
    expect(first?.rule).toBe('sms-per-day');
    expect(evaluation.check(candidate({ actionId: 'b' }))).toBe(first);
  });
});
