import { describe, expect, it } from 'vitest';
import { begin, candidate, contact, DAY, demoPolicy, HOUR, NOW } from './test-fixtures.js';

const notice = candidate({ actionId: 'bill-shock-notice', issue: 'Care', group: 'Billing', mandatory: true });

describe('mandatory (service, regulatory) actions', () => {
  it('bypass caps', () => {
    const history = [contact({ actionId: 'other', at: NOW - HOUR })];
    const evaluation = begin('sms', history);
    expect(evaluation.check(candidate())?.rule).toBe('sms-per-day');
    expect(evaluation.check(notice)).toBeUndefined();
  });

  it('bypass a max: 0 cap', () => {
    const policy = demoPolicy({ caps: [{ id: 'closed', max: 0, window: '1d' }] });
    expect(begin('sms', [], { policy }).check(notice)).toBeUndefined();
  });

  it('still rest after a contact: the same notice is not re-sent within its cooldown', () => {
    const history = [contact({ actionId: notice.actionId, mandatory: true, at: NOW - HOUR })];
    expect(begin('sms', history).check(notice)).toMatchObject({
      reason: 'COOLDOWN',
      rule: 'same-action-after-impression',
    });
    expect(begin('sms', history, { now: NOW + 4 * HOUR }).check(notice)).toBeUndefined();
  });

  it('bypass suppression after rejects', () => {
    const history = [2, 1].map((d) => contact({ actionId: notice.actionId, outcome: 'reject', at: NOW - d * DAY }));
    expect(begin('sms', history).check({ ...notice, mandatory: false })?.reason).toBe('SUPPRESSED_AFTER_REJECTS');
    expect(begin('sms', history).check(notice)).toBeUndefined();
  });

  it('bypass marketing consent but not channel consent or quiet hours', () => {
    const noMarketing = { timeZone: 'Europe/Amsterdam', consent: { sms: true } };
    expect(begin('sms', [], { profile: noMarketing }).check(notice)).toBeUndefined();
    const noSms = { timeZone: 'Europe/Amsterdam', consent: { marketing: true } };
    expect(begin('sms', [], { profile: noSms }).check(notice)?.reason).toBe('OPTED_OUT');
    expect(begin('sms', [], { now: Date.UTC(2025, 2, 12, 23) }).check(notice)?.reason).toBe('QUIET_HOURS');
  });

  it('mandatory contacts never use up a cap', () => {
    const history = [
      contact({ actionId: 'outage-notice', channel: 'email', mandatory: true, at: NOW - 3 * DAY }),
      contact({ actionId: 'bill-ready', channel: 'email', mandatory: true, at: NOW - 2 * DAY }),
      contact({ actionId: 'price-change', channel: 'push', mandatory: true, at: NOW - DAY }),
      contact({ actionId: 'plan-upgrade', channel: 'email', at: NOW - DAY }),
    ];
    // 4 marketing-channel contacts in 7 days, only one of them counts toward marketing-per-week (max 3).
    expect(begin('email', history).check(candidate())).toBeUndefined();
  });
});
