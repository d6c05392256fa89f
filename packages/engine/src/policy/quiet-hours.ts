// Quiet hours of a channel: a local time-of-day range, possibly across midnight, in the subscriber's zone.
import { parseClockTime } from './clock-time.js';
import { utcOffsetMs } from './time-zone.js';

const DAY_MS = 86_400_000;

/** Quiet hours compiled to ms after local midnight; `fromMs > toMs` means the range wraps midnight. */
export interface QuietHours {
  readonly fromMs: number;
  readonly toMs: number;
  /** `21:00-08:00`, for verdict details. */
  readonly label: string;
}

/** Compiles checked `HH:MM` bounds. */
export function compileQuietHours(range: { readonly from: string; readonly to: string }): QuietHours {
  const fromMs = parseClockTime(range.from) ?? 0;
  const toMs = parseClockTime(range.to) ?? 0;
  return { fromMs, toMs, label: `${range.from}-${range.to}` };
}

/** Milliseconds after local midnight at `now` for a zone offset. */
export function localMsOfDay(now: number, offsetMs: number): number {
  const ms = (now + offsetMs) % DAY_MS;
  return ms < 0 ? ms + DAY_MS : ms;
}

/** Whether a local time of day is inside the quiet hours: `from` inclusive, `to` exclusive. */
export function isQuiet(quiet: QuietHours, msOfDay: number): boolean {
  return quiet.fromMs <= quiet.toMs
    ? msOfDay >= quiet.fromMs && msOfDay < quiet.toMs
    : msOfDay >= quiet.fromMs || msOfDay < quiet.toMs;
}

/** The instant the quiet hours end, given that `now` is inside them; follows a DST change in between. */
export function quietUntil(quiet: QuietHours, zone: string, now: number, offsetMs: number, msOfDay: number): number {
  let wait = (quiet.toMs - msOfDay) % DAY_MS;
  if (wait <= 0) wait += DAY_MS;
  const naive = now + wait;
  // A clock change overnight moves the local `to` by the change in offset.
  return naive - (utcOffsetMs(zone, naive) - offsetMs);
}
