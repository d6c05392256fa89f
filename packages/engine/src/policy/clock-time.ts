// Wall-clock times of day (`21:00`) as the quiet hours are written, and their display.

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE_MS = 60_000;

/** Milliseconds after local midnight for an `HH:MM` string, or undefined: `parseClockTime('08:30') === 30_600_000`. */
export function parseClockTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = CLOCK_TIME.exec(text);
  if (!match) return undefined;
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
}

/** `HH:MM` for milliseconds after local midnight (seconds dropped): `formatClockTime(80_040_000) === '22:14'`. */
export function formatClockTime(msOfDay: number): string {
  const minutes = Math.floor(msOfDay / MINUTE_MS);
  const hh = Math.floor(minutes / 60) % 24;
  const mm = minutes % 60;
  return `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`;
}
