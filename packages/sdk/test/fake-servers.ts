// Fakes for the SDK tests: an HTTP server on loopback answering from a script, and a stream server speaking the protocol.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the fake answers one request with: a status and JSON body, silence, or a dropped connection. */
export type Reply =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | 'hang'
  | 'drop';

export interface FakeHttp {
  url: string;
  seen: SeenRequest[];
  /** Replies used in order, one per request; the last one repeats. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port; every request is recorded. */
export async function fakeHttp(): Promise<FakeHttp> {
  let replies: Reply[] = [{ status: 200, body: {} }];
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = (replies.length > 1 ? replies.shift() : replies[0]) ?? 'hang';
      if (reply === 'hang') return;
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        'content-type': reply.raw === undefined ? 'application/json' : 'text/html',
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...next) => {
      replies = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface StreamFrame {
  id?: string | number;
  type: string;
  [field: string]: unknown;
}

export interface FakeStream {
  url: string;
  /** Every connection accepted so far, with the URL and the API key header it came with. */
  connections: { socket: WebSocket; url: string; apiKey: string | undefined }[];
  /** Every frame received, in order, across connections. */
  frames: StreamFrame[];
  /** subscriberId -> channel, per open connection; cleared when a connection closes. */
  subscribed(): string[];
  /** Pushes recommendations to every open connection subscribed to the subscriber. */
  push(subscriberId: string, decision: unknown): void;
  /** Sends a frame as is to every open connection subscribed to the subscriber. */
  sendTo(subscriberId: string, frame: Record<string, unknown>): void;
  /** Drops every open connection abruptly (no close handshake), as a crashed server or a broken network would. */
  dropAll(): void;
  /** Answer a subscribe for this subscriber with an error frame instead. */
  refuse(subscriberId: string, error: { code: string; message: string; field?: string }): void;
  /** Stop answering pings (a half-dead connection). */
  silence(on: boolean): void;
  /** Resolves once `predicate` holds, checked after every frame and connection. */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

/** A /v1/stream look-alike: subscribed / recommendations / pong / error frames, as the real server sends them. */
export async function fakeStream(port = 0): Promise<FakeStream> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const address = wss.address() as AddressInfo;
  const connections: FakeStream['connections'] = [];
  const frames: StreamFrame[] = [];
  const subscriptions = new Map<WebSocket, Map<string, string>>();
  const refusals = new Map<string, { code: string; message: string }>();
  const waiters = new Set<() => void>();
  let silent = false;
  const changed = () => {
    for (const check of waiters) check();
  };

  wss.on('connection', (socket, request) => {
    const apiKey = request.headers['x-api-key'];
    connections.push({ socket, url: request.url ?? '', apiKey: typeof apiKey === 'string' ? apiKey : undefined });
    const subs = new Map<string, string>();
    subscriptions.set(socket, subs);
    socket.on('close', () => {
      subscriptions.delete(socket);
      changed();
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as StreamFrame;
      frames.push(frame);
      const reply = (answer: Record<string, unknown>) => socket.send(JSON.stringify({ id: frame.id, ...answer }));
      if (frame.type === 'subscribe') {
        const refusal = refusals.get(String(frame.subscriberId));
        if (refusal) reply({ type: 'error', error: refusal });
        else {
          subs.set(String(frame.subscriberId), String(frame.channel));
          reply({ type: 'subscribed' });
        }
      } else if (frame.type === 'unsubscribe') {
        subs.delete(String(frame.subscriberId));
      } else if (frame.type === 'ping' && !silent) {
        reply({ type: 'pong' });
      }
      changed();
    });
    changed();
  });

  return {
    url: `ws://127.0.0.1:${address.port}/v1/stream`,
    connections,
    frames,
    subscribed: () => [...subscriptions.values()].flatMap((subs) => [...subs.keys()]).sort(),
    push(subscriberId, decision) {
      for (const [socket, subs] of subscriptions) {
        if (subs.has(subscriberId)) socket.send(JSON.stringify({ type: 'recommendations', subscriberId, decision }));
      }
    },
    sendTo(subscriberId, frame) {
      for (const [socket, subs] of subscriptions) if (subs.has(subscriberId)) socket.send(JSON.stringify(frame));
    },
    dropAll() {
      for (const socket of subscriptions.keys()) socket.terminate();
    },
    refuse(subscriberId, error) {
      refusals.set(subscriberId, error);
    },
    silence(on) {
      silent = on;
    },
    until(predicate) {
      return new Promise((resolve) => {
        const check = () => {
          if (!predicate()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
