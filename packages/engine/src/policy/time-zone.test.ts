import { describe, expect, it } from 'vitest';
import { isValidTimeZone, utcOffsetMs } from './time-zone.js';

const HOUR = 3_600_000;

describe('utcOffsetMs', () => {
  it.each([
    ['Europe/Amsterdam', Date.UTC(2025, 0, 15, 12), 1 * HOUR],
    ['Europe/Amsterdam', Date.UTC(2025, 6, 15, 12), 2 * HOUR],
    ['America/New_York', Date.UTC(2025, 0, 15, 12), -5 * HOUR],
    ['America/New_York', Date.UTC(2025, 6, 15, 12), -4 * HOUR],
    ['Asia/Kolkata', Date.UTC(2025, 6, 15, 12), 5.5 * HOUR],
    ['Asia/Kathmandu', Date.UTC(2025, 6, 15, 12), 5.75 * HOUR],
    ['UTC', Date.UTC(2025, 6, 15, 12), 0],
  ])('%s at %i', (zone, at, offset) => {
    expect(utcOffsetMs(zone, at)).toBe(offset);
  });

  it('switches exactly at a DST transition, though offsets are memoised', () => {
    // Amsterdam springs forward at 2025-03-30 01:00 UTC.
    const transition = Date.UTC(2025, 2, 30, 1);
    expect(utcOffsetMs('Europe/Amsterdam', transition - 1)).toBe(HOUR);
    expect(utcOffsetMs('Europe/Amsterdam', transition)).toBe(2 * HOUR);
    expect(utcOffsetMs('Europe/Amsterdam', transition - 1)).toBe(HOUR);
  });

  it('keeps zones apart when called alternately', () => {
    const at = Date.UTC(2025, 6, 15, 12, 7);
    for (let i = 0; i < 3; i++) {
      expect(utcOffsetMs('Europe/Amsterdam', at + i)).toBe(2 * HOUR);
      expect(utcOffsetMs('America/New_York', at + i)).toBe(-4 * HOUR);
    }
  });

  it('is 0 for a zone Intl does not know', () => {
    expect(utcOffsetMs('Mars/Olympus_Mons', Date.UTC(2025, 0, 1))).toBe(0);
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and rejects the rest', () => {
    expect(isValidTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(undefined)).toBe(false);
    expect(isValidTimeZone(42)).toBe(false);
  });
});
