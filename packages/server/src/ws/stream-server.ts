// The WebSocket stream on uWebSockets.js: /v1/stream, authenticated at upgrade, decide and subscribe over one socket.

import { performance } from 'node:perf_hooks';
import { errorMessage } from '@arbiter/engine';
import uWS, { type HttpRequest, type HttpResponse, type us_listen_socket } from '@trufflesuite/uws-js-unofficial';
import { apiKeyFrom, defaultRoleAllows } from './stream-auth.js';
import { type SocketData, StreamConnection } from './stream-connection.js';
import type { StreamContext } from './stream-context.js';
import { streamCloseCodes, streamError } from './stream-errors.js';
import { handleFrame } from './stream-messages.js';
import type { Caller, StreamEvent, StreamServer, StreamServerOptions, StreamStats } from './stream-types.js';
import { catchUp, refresh } from './subscription-push.js';
import { SubscriptionRegistry } from './subscription-registry.js';
import { mountJsonRoutes } from './uws-http.js';

export const STREAM_PATH = '/v1/stream';

const KB = 1024;

/**
 * Starts the stream server and resolves once it listens.
 *
 * @example
 * const stream = await startStreamServer({ port: 0, runtime });
 * console.log(stream.url); // ws://127.0.0.1:40123/v1/stream
 * await stream.close();
 */
export async function startStreamServer(options: StreamServerOptions): Promise<StreamServer> {
  const { runtime } = options;
  const host = options.host ?? '127.0.0.1';
  const maxPayloadLength = options.maxPayloadLength ?? 64 * KB;
  const hard = options.maxBackpressure ?? 1024 * KB;
  const bounds = { hard, push: options.pushBackpressure ?? Math.floor(hard / 4) };
  const idleTimeout = options.idleTimeoutSeconds ?? 60;
  if (idleTimeout !== 0 && (idleTimeout < 8 || idleTimeout > 960)) {
    throw new RangeError(`idleTimeoutSeconds is 0 (off) or between 8 and 960 seconds (uWS), not ${idleTimeout}.`);
  }
  if (bounds.push > bounds.hard) throw new RangeError('pushBackpressure cannot be above maxBackpressure.');

  // subscriptions is read from the registry when stats() is asked.
  const stats: StreamStats = {
    connections: 0,
    subscriptions: 0,
    pushes: 0,
    droppedPushes: 0,
    closedForBackpressure: 0,
  };
  const pending = new Set<Promise<unknown>>();
  const connections = new Set<StreamConnection>();
  let closing = false;
  const context: StreamContext = {
    runtime,
    registry: new SubscriptionRegistry(runtime.events, (subscription) => refresh(context, subscription)),
    limits: {
      maxSubscriptions: options.maxSubscriptions ?? 100,
      maxInFlight: options.maxInFlight ?? 64,
      maxDepth: options.maxDepth ?? 32,
    },
    stats,
    roleAllows: runtime.roleAllows?.bind(runtime) ?? defaultRoleAllows,
    count: (event) => countEvent(stats, event, runtime.metrics),
    track: (work) => {
      pending.add(work);
      // Both paths handled: a rejection here would otherwise be unhandled, and that ends the process. Inline arrows,
      // not a named one: under tsx every named closure made per request pays for defining its name.
      work.then(
        () => pending.delete(work),
        () => pending.delete(work),
      );
    },
  };

  const app = uWS.App();
  app.ws<SocketData>(STREAM_PATH, {
    maxPayloadLength,
    // The bounds are enforced by StreamConnection; uWS's own limit would drop frames silently (the close frame too).
    maxBackpressure: 0,
    closeOnBackpressureLimit: 0,
    idleTimeout,
    sendPingsAutomatically: true,
    compression: uWS.DISABLED,
    upgrade: (res, req, socketContext) => upgrade(context, res, req, socketContext),
    open: (ws) => {
      const data = ws.getUserData();
      const connection = new StreamConnection(ws, data.caller, bounds, () => context.count('closed-backpressure'));
      data.connection = connection;
      connections.add(connection);
      context.count('opened');
    },
    message: (ws, message, isBinary) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      try {
        handleFrame(context, connection, message, isBinary);
      } catch (thrown) {
        // A bug here must cost one answer, not the process (an exception in a uWS callback is fatal).
        const text = errorMessage(thrown);
        connection.answer({ type: 'error', error: streamError('INTERNAL', text) }, isBinary);
      }
    },
    drain: (ws) => {
      const connection = ws.getUserData().connection;
      if (connection) catchUp(context, connection);
    },
    close: (ws) => {
      const connection = ws.getUserData().connection;
      if (!connection) return;
      connection.closed = true;
      context.registry.removeAll(connection);
      connections.delete(connection);
      context.count('closed');
    },
  });
  app.get(STREAM_PATH, (res) => {
    sendError(res, '426 Upgrade Required', 'STREAM_UPGRADE_REQUIRED', 'Open a WebSocket on this path.');
  });
  const served = [STREAM_PATH];
  if (options.http) {
    mountJsonRoutes(app, options.http, { closing: () => closing, track: context.track });
    served.push(...options.http.routes.map((route) => `POST ${route.url}`));
  }
  const notFound = `Only ${served.join(' and ')} ${served.length === 1 ? 'is' : 'are'} served here.`;
  app.any('/*', (res) => sendError(res, '404 Not Found', 'ROUTE_NOT_FOUND', notFound));

  return new Promise((resolve, reject) => {
    app.listen(host, options.port ?? 0, (listenSocket: us_listen_socket | false) => {
      if (!listenSocket) {
        reject(new Error(`The stream server could not listen on ${host}:${options.port ?? 0}.`));
        return;
      }
      const port = uWS.us_socket_local_port(listenSocket as never);
      let closed: Promise<void> | undefined;
      resolve({
        port,
        url: `ws://${host}:${port}${STREAM_PATH}`,
        stats: () => ({ ...stats, subscriptions: context.registry.size }),
        endCaller: (callerId) => {
          let ended = 0;
          for (const connection of [...connections]) {
            if (connection.caller.id !== callerId) continue;
            connection.end(streamCloseCodes.STREAM_KEY_REVOKED, 'STREAM_KEY_REVOKED');
            ended++;
          }
          return ended;
        },
        close: () => {
          closed ??= (async () => {
            closing = true;
            uWS.us_listen_socket_close(listenSocket);
            for (const connection of [...connections]) {
              connection.end(streamCloseCodes.STREAM_SERVER_CLOSING, 'STREAM_SERVER_CLOSING');
            }
            // Decisions in flight finish into closed connections (their answers are dropped), then nothing is left.
            while (pending.size > 0) await Promise.allSettled([...pending]);
            // App.close (uWS 20.30) ends whatever is left; its typings do not list it.
            (app as uWS.TemplatedApp & { close(): void }).close();
          })();
          return closed;
        },
      });
    });
  });
}

/** Checks the key before the socket exists: no key or a bad one is a 401 and no WebSocket at all. */
function upgrade(context: StreamContext, res: HttpResponse, req: HttpRequest, socketContext: uWS.us_socket_context_t) {
  // The request object is only valid until this callback returns: read everything now.
  const key = apiKeyFrom(req.getHeader('authorization'), req.getHeader('x-api-key'), req.getQuery('key') ?? '');
  const secKey = req.getHeader('sec-websocket-key');
  const protocol = req.getHeader('sec-websocket-protocol');
  const extensions = req.getHeader('sec-websocket-extensions');
  const metrics = context.runtime.metrics;
  const started = performance.now();
  metrics?.request('ws:connect', 'GET');
  const finish = (caller: Caller | undefined) => {
    if (caller) {
      metrics?.response('ws:connect', 'GET', 101, performance.now() - started);
      res.upgrade<SocketData>({ caller }, secKey, protocol, extensions, socketContext);
      return;
    }
    metrics?.response('ws:connect', 'GET', 401, performance.now() - started);
    if (key === undefined) {
      sendError(
        res,
        '401 Unauthorized',
        'AUTH_MISSING_KEY',
        'Give an API key: authorization: Bearer <key>, x-api-key, or ?key=.',
      );
    } else {
      sendError(res, '401 Unauthorized', 'AUTH_INVALID_KEY', 'The API key is unknown or revoked.');
    }
  };
  if (key === undefined) return finish(undefined);
  let verified: ReturnType<typeof context.runtime.verifyKey>;
  try {
    verified = context.runtime.verifyKey(key);
  } catch {
    verified = undefined;
  }
  if (!(verified instanceof Promise)) return finish(verified);
  // An async key store: the client may hang up meanwhile, and a late write to an aborted response is fatal in uWS.
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  verified.then(
    (caller) => !aborted && res.cork(() => finish(caller)),
    () => !aborted && res.cork(() => finish(undefined)),
  );
}

function sendError(res: HttpResponse, status: string, code: string, message: string): void {
  res
    .writeStatus(status)
    .writeHeader('content-type', 'application/json')
    .end(JSON.stringify({ error: { code, message } }));
}

function countEvent(stats: StreamStats, event: StreamEvent, metrics: StreamServerOptions['runtime']['metrics']) {
  switch (event) {
    case 'opened':
      stats.connections++;
      break;
    case 'closed':
      stats.connections--;
      break;
    case 'push':
      stats.pushes++;
      break;
    case 'push-dropped':
      stats.droppedPushes++;
      break;
    case 'closed-backpressure':
      stats.closedForBackpressure++;
      break;
    case 'push-failed':
      break;
  }
  metrics?.stream(event);
}
