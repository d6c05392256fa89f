// Parsing of the duration strings analysts write in config files (`30m`, `4h`, `7d`).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;

/** Milliseconds in a duration string, or undefined when it is not one. `parseDuration('7d') === 604_800_000`. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
