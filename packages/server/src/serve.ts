// Starts the whole server: the runtime, the HTTP app on its port, the WebSocket stream on another, the config
// watch; and stops it gracefully (no new requests, in-flight ones finish, buffered outcomes flushed).
import type { FastifyInstance } from 'fastify';
import { campaignService } from './campaigns/campaign-service.js';
import { decide } from './handlers/decide.js';
import { logFault } from './handlers/handler-result.js';
import { type AppOptions, buildApp } from './http/app.js';
import type { LogOptions } from './http/logging.js';
import { decideRoute } from './http/routes/decision-routes.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime/runtime.js';
import { type StartupKeys, startupKeys } from './runtime/startup-keys.js';
import { ApiKeyStore, type CreatedApiKey } from './security/api-keys.js';
import { createGate } from './security/gate.js';
import { isRole, roleAllows } from './security/roles.js';
import { startStreamServer } from './ws/stream-server.js';
import type { StreamServer, StreamServerOptions } from './ws/stream-types.js';

export interface ServeOptions {
  /** The rules directory (default `rules`). */
  rulesDir?: string;
  /** HTTP port (default 8080; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: reachable from this machine only). */
  host?: string;
  /** A generated population in memory (demo mode), with the five story subscribers. */
  population?: { count: number; seed: number };
  /** A Redis URL for profiles, contact history, decision log, dedupe and debounce (default: in memory). */
  redis?: string;
  /** Keys made at start (default `demo` in memory, `bootstrap` with Redis); see `StartupKeys`. */
  apiKeys?: StartupKeys;
  /** Where key hashes are kept across restarts (default: memory only), and the pepper mixed into them. */
  keysFile?: string;
  keysPepper?: string;
  /** The WebSocket stream's port (default: the HTTP port + 1, or a free one when that is 0); false: no stream. */
  wsPort?: number | false;
  /** Reload the config when a rules file changes (default true). */
  watch?: boolean;
  /** Where campaign run directories live (default `runs`). */
  runsDir?: string;
  /** Start each scheduled campaign at its cron times (default true). */
  schedule?: boolean;
  logger?: LogOptions | false;
  requestLogging?: AppOptions['requestLogging'];
  cors?: AppOptions['cors'];
  auth?: AppOptions['auth'];
  bodyLimit?: number;
  maxDepth?: number;
  /** Anything else for the runtime (stores, channels, clock). */
  runtime?: Partial<RuntimeOptions>;
  /** Anything else for the stream server (backpressure bounds, idle timeout). */
  stream?: Omit<StreamServerOptions, 'runtime' | 'port' | 'host'>;
}

export interface RunningServer {
  /** http://host:port */
  url: string;
  docsUrl: string;
  metricsUrl: string;
  /** GET: the campaigns with their next and last runs. */
  campaignsUrl: string;
  /** ws://host:port/v1/stream, when the stream runs. */
  wsUrl?: string;
  runtime: Runtime;
  app: FastifyInstance;
  /** The keys made at start, with their secrets: shown once. */
  keys: CreatedApiKey[];
  /** Stops accepting, lets in-flight requests finish, closes the stream, flushes and closes the stores. */
  close(): Promise<void>;
}

/**
 * @example
 * const server = await startServer({ port: 0, population: { count: 1_000, seed: 42 } });
 * await fetch(`${server.url}/v1/decisions`, { method: 'POST', headers: { 'x-api-key': server.keys[3].key, ... } });
 * await server.close();
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const keys = new ApiKeyStore({ file: options.keysFile, pepper: options.keysPepper });
  const runtime = await createRuntime({
    rulesDir: options.rulesDir ?? 'rules',
    population: options.population,
    redis: options.redis,
    keys,
    ...options.runtime,
  });
  // Before the app: its campaign routes use this service (its runs directory, its schedule).
  campaignService(runtime, { runsDir: options.runsDir ?? 'runs', schedule: options.schedule ?? true });
  let app: FastifyInstance | undefined;
  let stream: StreamServer | undefined;
  // One gate for both ports: the same keys and roles, and one rate budget per key whichever port it calls.
  const gate = createGate({ keys: runtime.keys, ...options.auth });
  try {
    app = await buildApp(runtime, {
      logger: options.logger,
      requestLogging: options.requestLogging,
      cors: options.cors,
      gate,
      bodyLimit: options.bodyLimit,
      maxDepth: options.maxDepth,
    });
    if (options.watch ?? true) await runtime.config.watch();
    // Before listening: the first request can already use them.
    const created = startupKeys(runtime.keys, options.apiKeys ?? (options.redis ? 'bootstrap' : 'demo'));
    await app.listen({ port: options.port ?? 8080, host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
    if (options.wsPort !== false) {
      const wsPort = options.wsPort ?? (options.port === 0 ? 0 : port + 1);
      // The stream port serves POST /v1/decisions over uWS HTTP too: the same route, gate and body limits.
      const http = { runtime, gate, routes: [decideRoute], bodyLimit: options.bodyLimit, maxDepth: options.maxDepth };
      stream = await startStreamServer({
        ...options.stream,
        runtime: streamRuntime(runtime),
        port: wsPort,
        host,
        http,
      });
    }
    const url = `http://${urlHost(host)}:${port}`;
    let closing: Promise<void> | undefined;
    const running: RunningServer = {
      url,
      docsUrl: `${url}/docs`,
      metricsUrl: `${url}/metrics`,
      campaignsUrl: `${url}/v1/campaigns`,
      runtime,
      app,
      keys: created,
      close: () => {
        closing ??= shutdown(app, stream, runtime);
        return closing;
      },
    };
    if (stream) {
      running.wsUrl = stream.url;
      // A revoked key's open WebSockets end at once (4401); HTTP requests with it are refused from the next one.
      const live = stream;
      const stopListening = runtime.keys.onRevoked((id) => live.endCaller(id));
      const close = running.close;
      running.close = () => {
        stopListening();
        return close();
      };
    }
    return running;
  } catch (error) {
    await shutdown(app, stream, runtime).catch(() => undefined);
    throw error;
  }
}

/** In order: the stream (its clients go to another node), HTTP (in-flight requests finish), then the stores. */
async function shutdown(app: FastifyInstance | undefined, stream: StreamServer | undefined, runtime: Runtime) {
  await stream?.close();
  await app?.close();
  await runtime.close();
}

/** The runtime as the WebSocket stream sees it: the same decide handler, events, keys and roles as HTTP. */
function streamRuntime(runtime: Runtime): StreamServerOptions['runtime'] {
  return {
    decide: async (body, caller) => {
      const result = await decide(runtime, body, caller);
      logFault(runtime.logger, result, { url: '/v1/stream', type: 'decide' });
      return result;
    },
    events: runtime.events,
    verifyKey: (key) => runtime.keys.verify(key),
    roleAllows: (callerRole, requiredRole) => isRole(callerRole) && roleAllows(callerRole, requiredRole),
    metrics: runtime.metrics,
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
