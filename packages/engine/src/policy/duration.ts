// Duration strings of the contact policy (`30m`, `4h`, `7d`): parsed once at load, formatted back for verdict details.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;

/**
 * The longest duration a rules file may give: 100 years (3,650 weeks would do for any window or cooldown). Past it,
 * a cooldown's end is no longer a date (`20000000w`) and 400 nines make a window of Infinity.
 */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/**
 * Milliseconds in a duration string, or undefined when it is not one or is longer than MAX_DURATION_MS:
 * `parseDuration('7d') === 604_800_000`.
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** A short human form of a span, largest two units: `formatDuration(4_320_000) === '1h 12m'`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1_000);
  for (const [unit, seconds] of SPANS) {
    if (rest >= seconds) {
      parts.push(`${Math.floor(rest / seconds)}${unit}`);
      rest %= seconds;
      if (parts.length === 2) break;
    } else if (parts.length > 0) {
      // Two units only when adjacent: "1d 3h", never "1d 12s".
      break;
    }
  }
  return parts.join(' ');
}

const SPANS: readonly (readonly [string, number])[] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];
