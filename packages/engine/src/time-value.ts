// Times from outside (a decision's `now`, an outcome's `at`, an event's `time`): epoch milliseconds or ISO 8601.

/** The farthest a JavaScript Date reaches either side of 1970 (ms): past it a time has no ISO 8601 form. */
export const MAX_TIME_MS = 8.64e15;

/**
 * Epoch milliseconds from a number of them or an ISO 8601 timestamp with a time part, or undefined when the value is
 * neither or lies outside the range a Date can hold (1e300 is no time, not one far in the future).
 *
 * @example timeValue('2026-11-23T10:00:00Z') // 1795428000000
 */
export function timeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS ? value : undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
