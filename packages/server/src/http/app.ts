// The Fastify app: TypeBox validation, the API's error shape for every failure, masked logs, CORS, OpenAPI at
// /docs, API keys and roles, metrics, and the routes (data plane here, admin plane from src/http/routes).
import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { metricsPlugin } from '../metrics/metrics-plugin.js';
import type { Runtime } from '../runtime/runtime.js';
import { authPlugin } from '../security/auth-plugin.js';
import type { Gate } from '../security/gate.js';
import type { RateLimit } from '../security/rate-limiter.js';
import { answerClientError } from './client-errors.js';
import { answerFor, registerErrorHandling } from './error-handler.js';
import { errorBody } from './errors.js';
import { registerJsonBody } from './json-body.js';
import { type LogOptions, loggerOptions, OneLinePerRequest } from './logging.js';
import { auditRoutes } from './routes/audit-routes.js';
import { campaignRoutes } from './routes/campaign-routes.js';
import { configRoutes } from './routes/config-routes.js';
import { decisionRoutes } from './routes/decision-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { subscriberRoutes } from './routes/subscriber-routes.js';
import { typeBoxValidator } from './validation.js';

export interface AppOptions {
  /** pino level and stream (default info on stdout, every line MSISDN-masked); false: no logs. */
  logger?: LogOptions | false;
  /** Log a line per request, when it is answered (default true); the benchmarks turn it off. */
  requestLogging?: boolean;
  /** Origins allowed to call from a browser: a list, `true` for any, `false` (default) for none. */
  cors?: { origins: string[] | boolean };
  /** Largest body in bytes (default 64 KiB): past it, 413 BODY_TOO_LARGE. */
  bodyLimit?: number;
  /** Deepest nesting of objects and arrays in a body (default 16): past it, 400 BODY_TOO_DEEP. */
  maxDepth?: number;
  /** API keys: `required: false` lets requests without a key act as an admin (a local demo only). */
  auth?: { required?: boolean; rateLimit?: RateLimit };
  /** A gate shared with the stream port's HTTP routes (one rate budget per key); `auth` is then not used. */
  gate?: Gate;
  /** Trust `X-Forwarded-*` from a proxy in front (Fastify's trustProxy). */
  trustProxy?: boolean | string | string[];
}

const KIB = 1024;
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Builds the app over a runtime (not listening yet: `app.listen()`, or `app.inject()` in tests). Points the
 * runtime's logger at the app's, so outbound sends and store warnings land in the same masked log.
 *
 * @example
 * const app = await buildApp(runtime, { cors: { origins: ['https://care.example'] } });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 64 * KIB;
  const app = Fastify({
    logger: loggerOptions(options.logger),
    logController: new OneLinePerRequest({ disableRequestLogging: options.requestLogging === false }),
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    // Our own 503 below answers in the API's error shape.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 300 },
    // A malformed URL is refused before routing, where the error handler does not reach.
    frameworkErrors: (error, request, reply) => {
      const { status, body } = answerFor(error, { bodyLimit }, request.id);
      (reply as unknown as FastifyReply).code(status).send(body);
    },
    // A request Node's HTTP parser refuses never reaches the routes: the answer is written raw on the socket.
    clientErrorHandler(this: FastifyInstance, error, socket) {
      answerClientError(error, socket, this.log);
    },
    // Node would answer an HTTP/1.1 request without Host with an empty 400; requireHost answers it in our shape.
    http: { requireHostHeader: false },
  });
  runtime.logger = app.log;
  app.setValidatorCompiler(typeBoxValidator);
  registerJsonBody(app, options.maxDepth ?? 16);
  registerErrorHandling(app, { bodyLimit });
  requireHost(app);
  refuseWhileClosing(app);

  if (options.cors) await app.register(cors, { origin: options.cors.origins });
  await app.register(swagger, { openapi: openApiBase() });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  documentRoles(app);

  await app.register(authPlugin, { keys: runtime.keys, ...options.auth, gate: options.gate });
  await app.register(metricsPlugin, { metrics: runtime.metrics });

  await app.register(healthRoutes, { runtime });
  await app.register(decisionRoutes, { runtime });
  await app.register(eventRoutes, { runtime });
  await app.register(subscriberRoutes, { runtime });
  await app.register(configRoutes, { runtime });
  await app.register(keyRoutes, { runtime });
  await app.register(auditRoutes, { runtime });
  await app.register(campaignRoutes, { runtime });
  return app;
}

/** An HTTP/1.1 request without a Host header gets 400 INVALID_REQUEST and a closed connection (RFC 9112 3.2). */
function requireHost(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, next) => {
    if (request.headers.host !== undefined || request.raw.httpVersion !== '1.1') return next();
    reply
      .code(400)
      .header('connection', 'close')
      .send(errorBody('INVALID_REQUEST', 'an HTTP/1.1 request needs a Host header'));
  });
}

/**
 * From the moment `close()` starts, new requests (on connections kept alive) get 503 NOT_READY, while requests
 * already in flight run to the end; every answer then closes its connection, so `close()` does not wait for idle
 * keep-alive connections to time out.
 */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, reply, next) => {
    if (!closing) return next();
    reply.code(503).send(errorBody('NOT_READY', 'the server is shutting down'));
  });
  app.addHook('onSend', (_request, reply, payload, next) => {
    if (closing) reply.header('connection', 'close');
    next(null, payload);
  });
}

/** Each route with a role says so in /docs, and which headers carry the key. */
function documentRoles(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    if (role === undefined || route.schema === undefined) return;
    const schema = route.schema as { security?: unknown; description?: string };
    schema.security ??= [{ bearer: [] }, { apiKey: [] }];
    const needs = `Needs an API key with role \`${role}\` or above.`;
    schema.description = schema.description ? `${schema.description}\n\n${needs}` : needs;
  });
}

function openApiBase() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Arbiter API',
      version: VERSION,
      description:
        'Real-time next-best-action decisions for telecom operators: decide, send events and outcomes, read the ' +
        'subscriber 360 view and the action catalog, simulate, and manage config and API keys. Every error is ' +
        '`{ error: { code, message, field? } }` with a code from docs/errors.md. The WebSocket stream is at ' +
        '`/v1/stream` on the stream port, which also answers POST /v1/decisions (the same route, over ' +
        'uWebSockets.js HTTP).',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http' as const, scheme: 'bearer', description: '`authorization: Bearer <key>`' },
        apiKey: { type: 'apiKey' as const, in: 'header' as const, name: 'x-api-key' },
      },
    },
    tags: [
      { name: 'decisions', description: 'Inbound decisions and simulation' },
      { name: 'events', description: 'Events (features, triggers) and outcomes (contact history)' },
      { name: 'subscribers', description: 'The subscriber 360 view' },
      { name: 'actions', description: 'The action catalog' },
      { name: 'config', description: 'The running config, its versions, reload and rollback' },
      { name: 'keys', description: 'API keys' },
      { name: 'audit', description: 'Config changes and admin actions' },
      { name: 'health', description: 'Liveness and readiness' },
    ],
  };
}
