// The Fastify auth plugin: every route with `config: { role }` needs a key of that role or above, within its rate.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyStore } from './api-keys.js';
import { authErrorStatus } from './auth-errors.js';
import { type AuthFailure, authenticate, checkRole, keyFromHeaders } from './authorize.js';
import type { Caller } from './caller.js';
import { createRateLimiter, type RateLimit } from './rate-limiter.js';
import type { Role } from './roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs; a route without one is public (/health, /ready, /metrics, /docs). */
    role?: Role;
  }
  interface FastifyRequest {
    /** The key's caller on a route with a role (ANONYMOUS when keys are not required and none came). */
    caller: Caller | undefined;
  }
}

export interface AuthPluginOptions {
  keys: ApiKeyStore;
  /** When false, a request without a key acts as ANONYMOUS (an admin): for a local demo only. Default true. */
  required?: boolean;
  /** Requests per key id; unset means no limit. */
  rateLimit?: RateLimit;
  /** Clock for the rate limiter, in ms (tests). */
  now?: () => number;
}

const auth: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const { keys, required = true } = options;
  const limiter = options.rateLimit && createRateLimiter(options.rateLimit, options.now);
  app.decorateRequest('caller', undefined);
  // onRequest runs before the body is read, so a refused request costs no parsing.
  app.addHook('onRequest', async (request, reply) => {
    const role = request.routeOptions.config.role;
    if (role === undefined) return;
    const result = authenticate(keys, keyFromHeaders(request.headers), required);
    if (!result.ok) return refuse(reply, result);
    const caller = result.caller;
    request.caller = caller;
    if (limiter) {
      const taken = limiter.take(caller.id);
      reply.header('x-ratelimit-limit', taken.limit).header('x-ratelimit-remaining', taken.remaining);
      if (!taken.ok) {
        reply.header('retry-after', taken.retryAfterSeconds);
        return reply.code(authErrorStatus.RATE_LIMITED).send({
          error: {
            code: 'RATE_LIMITED',
            message: `rate limit of ${taken.limit} requests reached; retry in ${taken.retryAfterSeconds} s`,
          },
        });
      }
    }
    const forbidden = checkRole(caller, role);
    if (forbidden) return refuse(reply, forbidden);
  });
};

function refuse(reply: FastifyReply, failure: AuthFailure): FastifyReply {
  // RFC 6750: a 401 says which scheme would work.
  if (failure.status === 401) reply.header('www-authenticate', 'Bearer realm="arbiter"');
  return reply.code(failure.status).send({ error: failure.error });
}

/**
 * Checks `request.routeOptions.config.role` on every route; register it before the routes, at the root.
 * @example
 * await app.register(authPlugin, { keys, rateLimit: { max: 2000, timeWindow: '1 second' } });
 * app.post('/v1/decisions', { config: { role: 'channel' } }, handler); // request.caller is set in handler
 */
export const authPlugin = fp(auth, { name: 'arbiter-auth', fastify: '5.x' });
