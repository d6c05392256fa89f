// The door every request to a route with a role goes through, on either port: the key verified, one request taken
// from its rate, the role checked. The Fastify auth plugin and the uWebSockets.js decide route both ask it.
import type { ApiKeyStore } from './api-keys.js';
import { authErrorStatus } from './auth-errors.js';
import { type AuthFailure, authenticate, checkRole } from './authorize.js';
import type { Caller } from './caller.js';
import { createRateLimiter, type RateLimit, type RateLimiter, type RateTake } from './rate-limiter.js';
import type { Role } from './roles.js';

export interface GateOptions {
  keys: ApiKeyStore;
  /** When false, a request without a key acts as ANONYMOUS (an admin): for a local demo only. Default true. */
  required?: boolean;
  /** Requests per key id, shared by both ports; unset means no limit. */
  rateLimit?: RateLimit;
  /** Clock for the rate limiter, in ms (tests). */
  now?: () => number;
}

/** Let in (`caller`) or refused (`status` and the `{ error }` body's error); `rate` when a limit applies. */
export type GateAnswer =
  | { ok: true; caller: Caller; rate?: RateTake }
  | {
      ok: false;
      status: number;
      error: AuthFailure['error'] | { code: 'RATE_LIMITED'; message: string };
      rate?: RateTake;
    };

export interface Gate {
  /** Checks a request's key (undefined: none came) against the role its route needs. */
  check(key: string | undefined, role: Role): GateAnswer;
}

/**
 * In order: the key (401 AUTH_MISSING_KEY / AUTH_INVALID_KEY), the rate of a valid key (429 RATE_LIMITED: refused
 * calls count too, so hammering a forbidden route is limited), then the role (403 AUTH_FORBIDDEN).
 * @example const gate = createGate({ keys, rateLimit: { max: 5000, timeWindow: '1 s' } }); gate.check(key, 'channel');
 */
export function createGate(options: GateOptions): Gate {
  const { keys, required = true } = options;
  const limiter: RateLimiter | undefined = options.rateLimit && createRateLimiter(options.rateLimit, options.now);
  return {
    check(key, role) {
      const auth = authenticate(keys, key, required);
      if (!auth.ok) return auth;
      const caller = auth.caller;
      const rate = limiter?.take(caller.id);
      if (rate && !rate.ok) {
        const message = `rate limit of ${rate.limit} requests reached; retry in ${rate.retryAfterSeconds} s`;
        return { ok: false, status: authErrorStatus.RATE_LIMITED, error: { code: 'RATE_LIMITED', message }, rate };
      }
      const forbidden = checkRole(caller, role);
      if (forbidden) return rate ? { ...forbidden, rate } : forbidden;
      return rate ? { ok: true, caller, rate } : { ok: true, caller };
    },
  };
}

/**
 * The headers an answer carries: the key's rate (`x-ratelimit-limit`, `x-ratelimit-remaining`, and `retry-after`
 * when limited) and, on a 401, the scheme that would work (RFC 6750).
 */
export function forEachGateHeader(answer: GateAnswer, set: (name: string, value: string) => void): void {
  const { rate } = answer;
  if (rate) {
    set('x-ratelimit-limit', String(rate.limit));
    set('x-ratelimit-remaining', String(rate.remaining));
    if (!rate.ok) set('retry-after', String(rate.retryAfterSeconds));
  }
  if (!answer.ok && answer.status === 401) set('www-authenticate', 'Bearer realm="arbiter"');
}
