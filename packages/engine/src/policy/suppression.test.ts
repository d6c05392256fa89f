import { describe, expect, it } from 'vitest';
import { begin, candidate, contact, DAY, demoPolicy, HOUR, NOW } from './test-fixtures.js';

const reject = (daysAgo: number, actionId = 'roam-pass-2gb', issue = 'Growth') =>
  contact({ actionId, issue, channel: 'web', outcome: 'reject', at: NOW - daysAgo * DAY });

describe('suppression after rejects', () => {
  it('suppresses an action rejected twice within 30 days for 14 days after the last reject', () => {
    const evaluation = begin('web', [reject(10), reject(5)]);
    expect(evaluation.check(candidate())).toEqual({
      reason: 'SUPPRESSED_AFTER_REJECTS',
      rule: 'rejected-twice',
      detail: 'suppression rejected-twice: 2 rejects within 30d for this action, not offered for 14d after the last',
      count: 2,
      limit: 2,
      until: NOW + 9 * DAY,
    });
    expect(evaluation.check(candidate({ actionId: 'roam-pass-5gb' }))).toBeUndefined();
  });

  it('one reject is not enough', () => {
    expect(begin('web', [reject(1)]).check(candidate())).toBeUndefined();
  });

  it('counts rejects on any channel', () => {
    const history = [reject(3), contact({ channel: 'sms', outcome: 'reject', at: NOW - 2 * DAY })];
    expect(begin('app', history).check(candidate())?.reason).toBe('SUPPRESSED_AFTER_REJECTS');
  });

  it('rejects 30 days or more apart do not trigger it; just under 30 days do', () => {
    expect(begin('web', [reject(40), reject(5)]).check(candidate())).toBeUndefined();
    expect(begin('web', [reject(35), reject(5)]).check(candidate())).toBeUndefined();
    const justUnder30d = [reject(35), { ...reject(5), at: NOW - 5 * DAY - 1 }];
    expect(begin('web', justUnder30d).check(candidate())?.reason).toBe('SUPPRESSED_AFTER_REJECTS');
  });

  it('lifts 14 days after the last reject', () => {
    const history = [reject(20), reject(15)];
    expect(begin('web', history, { now: NOW - 2 * DAY }).check(candidate())?.until).toBe(NOW - DAY);
    expect(begin('web', history, { now: NOW - DAY - 1 }).check(candidate())?.reason).toBe('SUPPRESSED_AFTER_REJECTS');
    expect(begin('web', history, { now: NOW - DAY }).check(candidate())).toBeUndefined();
    expect(begin('web', history).check(candidate())).toBeUndefined();
  });

  it('lasts its full `for` even when that is longer than `within`', () => {
    const policy = demoPolicy({
      suppression: [{ id: 'quick-double-no', per: 'action', rejects: 2, within: '1d', for: '60d' }],
    });
    const history = [
      contact({ outcome: 'reject', at: NOW - 40 * DAY }),
      contact({ outcome: 'reject', at: NOW - 40 * DAY + HOUR }),
    ];
    expect(begin('web', history, { policy }).check(candidate())).toMatchObject({
      rule: 'quick-double-no',
      until: NOW + 20 * DAY + HOUR,
    });
  });

  it('a later reject extends it; the count covers the window that triggered', () => {
    const evaluation = begin('web', [reject(20), reject(10), reject(2)]);
    expect(evaluation.check(candidate())).toMatchObject({ count: 3, until: NOW + 12 * DAY });
  });

  it('reads history in any order', () => {
    expect(begin('web', [reject(5), reject(10)]).check(candidate())?.until).toBe(NOW + 9 * DAY);
  });

  it('ignores other outcomes', () => {
    const history = [contact({ channel: 'web', outcome: 'click', at: NOW - 10 * DAY }), reject(5)];
    expect(begin('web', history).check(candidate())).toBeUndefined();
  });

  it('per subscriber with an issue filter: rejects of different Retention actions add up', () => {
    const policy = demoPolicy({
      suppression: [{ id: 'retention-fatigue', issue: 'Retention', rejects: 3, within: '30d', for: '30d' }],
    });
    const history = [
      reject(12, 'loyalty-discount', 'Retention'),
      reject(8, 'free-upgrade', 'Retention'),
      reject(4, 'win-back', 'Retention'),
    ];
    const evaluation = begin('web', history, { policy });
    expect(evaluation.check(candidate({ actionId: 'retention-call', issue: 'Retention' }))).toMatchObject({
      rule: 'retention-fatigue',
      detail: 'suppression retention-fatigue: 3 rejects within 30d, not offered for 30d after the last',
      count: 3,
      limit: 3,
      until: NOW + 26 * DAY,
    });
    expect(evaluation.check(candidate({ issue: 'Growth' }))).toBeUndefined();
  });

  it('comes before cooldowns and caps when several rules block', () => {
    const history = [reject(10), reject(5), contact({ channel: 'web', at: NOW - HOUR })];
    expect(begin('web', history).check(candidate())?.reason).toBe('SUPPRESSED_AFTER_REJECTS');
  });
});
