// UTC offsets of IANA time zones, memoised: Intl is far too slow to call per decision, offsets change rarely.

/** Every real-world offset and transition falls on a quarter hour, so one Intl call per zone per bucket is exact. */
const BUCKET_MS = 15 * 60_000;
/** Profiles may carry junk zones; past this many distinct zones the memo starts over rather than grow. */
const MAX_ZONES = 2_000;

/**
 * Two buckets per zone: during quiet hours every decision asks for now and for the morning the quiet hours end,
 * and one slot would flip between the two on every call.
 */
interface ZoneMemo {
  /** Undefined for a name Intl rejects, remembered so a bad profile zone costs one lookup, not a throw. */
  readonly format: Intl.DateTimeFormat | undefined;
  bucket0: number;
  offset0: number;
  bucket1: number;
  offset1: number;
  /** The slot the next miss overwrites: the one not used last. */
  evict: 0 | 1;
}

const zones = new Map<string, ZoneMemo>();

function memoFor(zone: string): ZoneMemo {
  let memo = zones.get(zone);
  if (memo === undefined) {
    if (zones.size >= MAX_ZONES) zones.clear();
    memo = { format: createFormat(zone), bucket0: Number.NaN, offset0: 0, bucket1: Number.NaN, offset1: 0, evict: 0 };
    zones.set(zone, memo);
  }
  return memo;
}

function createFormat(zone: string): Intl.DateTimeFormat | undefined {
  if (zone === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
}

/** Whether Intl knows the zone (`Europe/Amsterdam`, `UTC`); memoised. */
export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && memoFor(zone).format !== undefined;
}

/**
 * The zone's offset from UTC in ms at instant `at` (positive east of Greenwich); 0 for an unknown zone.
 * `utcOffsetMs('Europe/Amsterdam', Date.UTC(2025, 6, 1)) === 7_200_000`.
 */
export function utcOffsetMs(zone: string, at: number): number {
  const memo = memoFor(zone);
  if (memo.format === undefined) return 0;
  const bucket = Math.floor(at / BUCKET_MS);
  if (memo.bucket0 === bucket) {
    memo.evict = 1;
    return memo.offset0;
  }
  if (memo.bucket1 === bucket) {
    memo.evict = 0;
    return memo.offset1;
  }
  const offset = computeOffset(memo.format, bucket * BUCKET_MS);
  if (memo.evict === 0) {
    memo.bucket0 = bucket;
    memo.offset0 = offset;
    memo.evict = 1;
  } else {
    memo.bucket1 = bucket;
    memo.offset1 = offset;
    memo.evict = 0;
  }
  return offset;
}

function computeOffset(format: Intl.DateTimeFormat, at: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of format.formatToParts(at)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  // Bucket starts are whole seconds, so the wall-clock reading differs from `at` by exactly the offset.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() - at;
}
