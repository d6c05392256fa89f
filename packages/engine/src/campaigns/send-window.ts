// A campaign's send window: a local time-of-day range in one time zone, possibly across midnight and a DST change.
import { localMsOfDay } from '../policy/quiet-hours.js';
import { utcOffsetMs } from '../policy/time-zone.js';

const DAY_MS = 86_400_000;
/** Every real-world offset change falls on a quarter hour (see time-zone.ts). */
const QUARTER_MS = 15 * 60_000;

/** The window as ms after local midnight: open from `fromMs` (inclusive) to `toMs` (exclusive); `fromMs > toMs` wraps. */
export interface SendWindowRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export type SendWindowState = { open: true } | { open: false; opensAt: number };

const OPEN: SendWindowState = Object.freeze({ open: true });

function isOpen(range: SendWindowRange, msOfDay: number): boolean {
  return range.fromMs <= range.toMs
    ? msOfDay >= range.fromMs && msOfDay < range.toMs
    : msOfDay >= range.fromMs || msOfDay < range.toMs;
}

/**
 * Whether `at` is inside the window in `zone`; when not, the first instant after it that is. Follows DST: when the
 * clock skips the opening time (02:30 on a spring-forward night), the window opens at the jump.
 *
 * @example sendWindowAt({ fromMs: 9 * HOUR, toMs: 20 * HOUR }, 'Europe/Amsterdam', Date.parse('2026-10-24T20:00:00Z'))
 * // { open: false, opensAt: Date.parse('2026-10-25T08:00:00Z') }: 09:00 CET, the morning after the clocks went back
 */
export function sendWindowAt(range: SendWindowRange, zone: string, at: number): SendWindowState {
  let t = at;
  // Each pass either lands on the opening or stops at an offset change first; two changes a day never happen.
  for (let pass = 0; pass < 4; pass++) {
    const offset = utcOffsetMs(zone, t);
    const msOfDay = localMsOfDay(t, offset);
    if (isOpen(range, msOfDay)) return t === at ? OPEN : { open: false, opensAt: t };
    let wait = (range.fromMs - msOfDay) % DAY_MS;
    if (wait <= 0) wait += DAY_MS;
    const opening = t + wait;
    if (utcOffsetMs(zone, opening) === offset) return { open: false, opensAt: opening };
    t = offsetChange(zone, t, opening, offset);
  }
  // Unreachable for real zones; a day later is a safe answer for a caller that waits and asks again.
  return { open: false, opensAt: at + DAY_MS };
}

/** The first quarter-hour boundary in (from, to] where the zone's offset is no longer `offset` (binary search). */
function offsetChange(zone: string, from: number, to: number, offset: number): number {
  let lo = Math.floor(from / QUARTER_MS); // offset here is `offset`
  let hi = Math.ceil(to / QUARTER_MS); // offset here differs
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (utcOffsetMs(zone, mid * QUARTER_MS) === offset) lo = mid;
    else hi = mid;
  }
  return hi * QUARTER_MS;
}
