// The Fastify auth plugin: every route with `config: { role }` needs a key of that role or above, within its rate.
import type { FastifyPluginAsync, FastifyReply, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyStore } from './api-keys.js';
import { keyFromHeaders } from './authorize.js';
import type { Caller } from './caller.js';
import { createGate, forEachGateHeader, type Gate, type GateAnswer } from './gate.js';
import type { RateLimit } from './rate-limiter.js';
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
  /** A gate made elsewhere, shared with another port (the options above are then not used). */
  gate?: Gate;
}

const auth: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const gate = options.gate ?? createGate(options);
  app.decorateRequest('caller', undefined);
  // Each route with a role gets its own hook (public routes none), so the role is known without reading
  // request.routeOptions (an object built on every read). onRequest runs before the body is read: a refused
  // request costs no parsing. A sync hook: an async one costs a promise per request.
  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    if (role === undefined) return;
    const existing = route.onRequest;
    const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    route.onRequest = [roleHook(gate, role), ...hooks];
  });
};

function roleHook(gate: Gate, role: Role): onRequestHookHandler {
  return (request, reply, done) => {
    const answer = gate.check(keyFromHeaders(request.headers), role);
    forEachGateHeader(answer, (name, value) => reply.header(name, value));
    if (answer.ok) {
      request.caller = answer.caller;
      done();
      return;
    }
    refuse(reply, answer);
  };
}

function refuse(reply: FastifyReply, answer: Extract<GateAnswer, { ok: false }>): void {
  reply.code(answer.status).send({ error: answer.error });
}

/**
 * Checks the role of every route with `config: { role }`; register it before the routes, at the root.
 * @example
 * await app.register(authPlugin, { keys, rateLimit: { max: 2000, timeWindow: '1 second' } });
 * app.post('/v1/decisions', { config: { role: 'channel' } }, handler); // request.caller is set in handler
 */
export const authPlugin = fp(auth, { name: 'arbiter-auth', fastify: '5.x' });
