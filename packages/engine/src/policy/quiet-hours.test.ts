import { describe, expect, it } from 'vitest';
import { begin, candidate, demoPolicy, MINUTE } from './test-fixtures.js';

const consent = { marketing: true, sms: true, email: true, push: true };
const inZone = (timeZone: unknown) => ({ timeZone, consent });
const amsterdam = inZone('Europe/Amsterdam');

describe('quiet hours across midnight (sms 21:00-08:00)', () => {
  it('blocks at 22:14 in Amsterdam and lifts at 08:00 local', () => {
    // 12 March 2025: Amsterdam is UTC+1.
    const now = Date.UTC(2025, 2, 12, 21, 14);
    expect(begin('sms', [], { now, profile: amsterdam }).check(candidate())).toEqual({
      reason: 'QUIET_HOURS',
      detail: 'quiet hours 21:00-08:00 Europe/Amsterdam, local time 22:14',
      until: Date.UTC(2025, 2, 13, 7, 0),
    });
  });

  it.each([
    ['20:59', Date.UTC(2025, 2, 12, 19, 59), false],
    ['21:00', Date.UTC(2025, 2, 12, 20, 0), true],
    ['00:00', Date.UTC(2025, 2, 12, 23, 0), true],
    ['07:59', Date.UTC(2025, 2, 13, 6, 59), true],
    ['08:00', Date.UTC(2025, 2, 13, 7, 0), false],
  ])('at %s local: quiet %s', (_local, now, quiet) => {
    expect(begin('sms', [], { now, profile: amsterdam }).check(candidate())?.reason).toBe(
      quiet ? 'QUIET_HOURS' : undefined,
    );
  });

  it('uses the roaming subscriber zone: 23:00 in New York', () => {
    // 12 March 2025: New York is already on daylight time (UTC-4); it is 04:00 the next day in Amsterdam.
    const now = Date.UTC(2025, 2, 13, 3, 0);
    expect(begin('sms', [], { now, profile: inZone('America/New_York') }).check(candidate())).toEqual({
      reason: 'QUIET_HOURS',
      detail: 'quiet hours 21:00-08:00 America/New_York, local time 23:00',
      until: Date.UTC(2025, 2, 13, 12, 0),
    });
  });

  it('follows the local clock, not the home one: morning in New York is evening in Amsterdam', () => {
    const amsterdamEvening = Date.UTC(2025, 2, 12, 20, 30); // 21:30 Amsterdam, 16:30 New York
    expect(begin('sms', [], { now: amsterdamEvening, profile: inZone('America/New_York') }).check(candidate())).toBe(
      undefined,
    );
    const newYorkMorning = Date.UTC(2025, 2, 12, 11, 30); // 07:30 New York, 12:30 Amsterdam
    expect(
      begin('sms', [], { now: newYorkMorning, profile: inZone('America/New_York') }).check(candidate()),
    ).toMatchObject({
      reason: 'QUIET_HOURS',
      until: Date.UTC(2025, 2, 12, 12, 0),
    });
    expect(begin('sms', [], { now: newYorkMorning, profile: amsterdam }).check(candidate())).toBeUndefined();
  });

  it('handles half-hour zones (Asia/Kolkata, UTC+5:30)', () => {
    const kolkata = inZone('Asia/Kolkata');
    expect(begin('sms', [], { now: Date.UTC(2025, 2, 12, 15, 29), profile: kolkata }).check(candidate())).toBe(
      undefined,
    );
    expect(begin('sms', [], { now: Date.UTC(2025, 2, 12, 15, 30), profile: kolkata }).check(candidate())).toMatchObject(
      { detail: 'quiet hours 21:00-08:00 Asia/Kolkata, local time 21:00' },
    );
  });

  it('falls back to the default zone when the profile zone is missing or unknown', () => {
    const now = Date.UTC(2025, 2, 12, 21, 14);
    for (const timeZone of [undefined, 'Mars/Olympus_Mons', 42]) {
      expect(begin('sms', [], { now, profile: inZone(timeZone) }).check(candidate())?.detail).toBe(
        'quiet hours 21:00-08:00 Europe/Amsterdam, local time 22:14',
      );
    }
  });

  it('applies to mandatory actions too', () => {
    const now = Date.UTC(2025, 2, 12, 21, 14);
    expect(begin('sms', [], { now, profile: amsterdam }).check(candidate({ mandatory: true }))?.reason).toBe(
      'QUIET_HOURS',
    );
  });

  it('is per channel: at 21:30 SMS is quiet, push (22:00-08:00) and email (none) are not', () => {
    const now = Date.UTC(2025, 2, 12, 20, 30);
    expect(begin('sms', [], { now, profile: amsterdam }).check(candidate())?.reason).toBe('QUIET_HOURS');
    expect(begin('push', [], { now, profile: amsterdam }).check(candidate())).toBeUndefined();
    expect(begin('email', [], { now, profile: amsterdam }).check(candidate())).toBeUndefined();
  });
});

describe('quiet hours and clock changes', () => {
  it('lifts at 08:00 summer time after the spring-forward night', () => {
    // Amsterdam moves from UTC+1 to UTC+2 at 2025-03-30 02:00 local.
    const now = Date.UTC(2025, 2, 29, 21, 0); // 22:00 local, winter time
    expect(begin('sms', [], { now, profile: amsterdam }).check(candidate())?.until).toBe(Date.UTC(2025, 2, 30, 6, 0));
  });

  it('lifts at 08:00 standard time after the fall-back night in New York', () => {
    // New York moves from UTC-4 to UTC-5 at 2025-11-02 02:00 local.
    const now = Date.UTC(2025, 10, 2, 3, 0); // 23:00 local on 1 November, daylight time
    expect(begin('sms', [], { now, profile: inZone('America/New_York') }).check(candidate())?.until).toBe(
      Date.UTC(2025, 10, 2, 13, 0),
    );
  });
});

describe('quiet hours within one day', () => {
  const policy = demoPolicy({
    channels: { agent: { direction: 'outbound', quietHours: { from: '12:00', to: '14:00' } } },
    marketingConsent: undefined,
    caps: [],
    cooldowns: [],
    suppression: [],
  });
  const at = (hh: number, mm: number) => Date.UTC(2025, 2, 12, hh - 1, mm); // Amsterdam is UTC+1

  it.each([
    [11, 59, false],
    [12, 0, true],
    [13, 59, true],
    [14, 0, false],
    [23, 0, false],
  ])('at %i:%i local: quiet %s', (hh, mm, quiet) => {
    const verdict = begin('agent', [], { policy, now: at(hh, mm), profile: amsterdam }).check(candidate());
    expect(verdict?.reason).toBe(quiet ? 'QUIET_HOURS' : undefined);
  });

  it('lifts the same day', () => {
    const verdict = begin('agent', [], { policy, now: at(12, 30) + 30 * 1000, profile: amsterdam }).check(candidate());
    expect(verdict?.until).toBe(at(14, 0));
    expect(verdict?.until).toBe(at(12, 30) + 90 * MINUTE);
  });
});
