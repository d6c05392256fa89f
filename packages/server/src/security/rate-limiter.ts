// Per-key rate limits: a token bucket per caller id, refilled evenly over the time window.

/** `max` requests per `timeWindow` (ms, or text such as '1 minute', '10 s'), with bursts of up to `max`. */
export interface RateLimit {
  max: number;
  timeWindow: number | string;
}

export type RateTake =
  | { ok: true; limit: number; remaining: number }
  | { ok: false; limit: number; remaining: 0; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one request from `id`'s bucket. */
  take(id: string): RateTake;
  /** Forgets a caller (a revoked key). */
  forget(id: string): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per id: a full bucket holds `max`, and refills at `max` per window, so a key that keeps to its
 * rate is never refused and a burst is capped at `max`. State is one small object per key id.
 * @example const limiter = createRateLimiter({ max: 1000, timeWindow: '1 second' }); if (!limiter.take(id).ok) ...
 */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()): RateLimiter {
  const windowMs = parseWindow(limit.timeWindow);
  if (!(limit.max >= 1)) throw new RangeError(`rate limit max must be at least 1, got ${limit.max}`);
  const perMs = limit.max / windowMs;
  const buckets = new Map<string, Bucket>();
  return {
    take(id) {
      const t = now();
      let bucket = buckets.get(id);
      if (!bucket) {
        bucket = { tokens: limit.max, at: t };
        buckets.set(id, bucket);
      } else {
        bucket.tokens = Math.min(limit.max, bucket.tokens + (t - bucket.at) * perMs);
        bucket.at = t;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true, limit: limit.max, remaining: Math.floor(bucket.tokens) };
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      return { ok: false, limit: limit.max, remaining: 0, retryAfterSeconds };
    },
    forget(id) {
      buckets.delete(id);
    },
  };
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A window in ms from a number of ms or text: '500 ms', '10 s', '10 seconds', '1 minute', '1 hour', '1 day'. */
export function parseWindow(window: number | string): number {
  if (typeof window === 'number') {
    if (window > 0 && Number.isFinite(window)) return window;
  } else {
    const match =
      /^\s*(\d+(?:\.\d+)?)\s*(ms|millis(?:econds?)?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\s*$/i.exec(
        window,
      );
    if (match?.[1] && match[2]) {
      const unit = match[2].toLowerCase();
      const ms = unit === 'ms' || unit.startsWith('milli') ? 1 : UNITS[unit[0] ?? ''];
      const value = Number(match[1]) * (ms ?? 0);
      if (value > 0) return value;
    }
  }
  throw new RangeError(`rate limit timeWindow must be a positive number of ms or like '1 minute', got ${window}`);
}
