// Thousands of generated bad requests and frames against the real app and stream: every one gets a 4xx (or an error
// frame) with a code and the field at fault, none a 5xx, and the server keeps serving good requests afterwards.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../src/serve.js';
import { badStreamFrames } from './fixtures/bad-frames.js';
import { answerProblem, summarise } from './fixtures/bad-input-check.js';
import { type BadInputContext, badHttpRequests, badRequestCategories } from './fixtures/bad-requests.js';

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
const SEED = 20_261_122;
const HTTP_INJECTED = 2_000;
const HTTP_ON_SOCKET = 300;
const FRAMES = 600;

let server: RunningServer;
let app: FastifyInstance;
let ctx: BadInputContext;

beforeAll(async () => {
  server = await startServer({
    rulesDir: RULES,
    port: 0,
    population: { count: 200, seed: 7 },
    apiKeys: 'demo',
    logger: false,
    watch: false,
  });
  app = server.app;
  const keyOf = (role: string) => server.keys.find((k) => k.role === role)!.key;
  const keys = { channel: keyOf('channel'), agent: keyOf('agent'), analyst: keyOf('analyst'), admin: keyOf('admin') };
  const subscriberId = 'SUB-00000001';
  const decided = await app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: { 'x-api-key': keys.channel },
    payload: { subscriberId, channel: 'app' },
  });
  expect(decided.statusCode).toBe(200);
  const decision = decided.json() as { decisionId: string; actions: { actionId: string }[] };
  const offered = new Set(decision.actions.map((a) => a.actionId));
  const actionId = server.runtime.config.current().actions.find((a) => !offered.has(a.spec.id))!.spec.id;
  ctx = { keys, subscriberId, actionId, decisionId: decision.decisionId, now: server.runtime.clock() };
});

afterAll(() => server?.close());

/** A good decision still comes back: the server kept serving. */
async function stillServes(): Promise<void> {
  const good = await app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: { authorization: `Bearer ${ctx.keys.channel}` },
    payload: { subscriberId: ctx.subscriberId, channel: 'agent', limit: 2 },
  });
  expect(good.statusCode).toBe(200);
  expect(good.json()).toMatchObject({ subscriberId: ctx.subscriberId, channel: 'agent' });
}

describe('bad HTTP requests', () => {
  it('the generator is seeded and covers every category', () => {
    const names = (seed: number) => [...badHttpRequests(60, seed, ctx)].map((r) => `${r.method} ${r.url} ${r.name}`);
    expect(names(SEED)).toEqual(names(SEED));
    expect(names(SEED)).not.toEqual(names(SEED + 1));
    const first = [...badHttpRequests(badRequestCategories.length, SEED, ctx)];
    expect(new Set(first.map((r) => r.category))).toEqual(new Set(badRequestCategories));
  });

  it(`answers ${HTTP_INJECTED.toLocaleString('en-US')} generated bad requests (inject) with a 4xx, a code and the field at fault`, async () => {
    const failures: { category: string; name: string; problem: string }[] = [];
    let count = 0;
    for (const bad of badHttpRequests(HTTP_INJECTED, SEED, ctx)) {
      const { method, url, headers, payload } = bad;
      const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
      const problem = answerProblem(res.statusCode, parse(res.body), bad.expect);
      if (problem) failures.push({ category: bad.category, name: `${method} ${url} ${bad.name}`, problem });
      count++;
    }
    expect(count).toBe(HTTP_INJECTED);
    expect(failures.length, summarise(failures)).toBe(0);
    await stillServes();
  });

  it(`answers ${HTTP_ON_SOCKET} more over a real loopback socket the same way`, async () => {
    const failures: { category: string; name: string; problem: string }[] = [];
    for (const bad of badHttpRequests(HTTP_ON_SOCKET, SEED + 1, ctx)) {
      const { method, url, headers, payload } = bad;
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
      const problem = answerProblem(res.status, parse(await res.text()), bad.expect);
      if (problem) failures.push({ category: bad.category, name: `${method} ${url} ${bad.name}`, problem });
    }
    expect(failures.length, summarise(failures)).toBe(0);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });

  it('the stream port answers every generated bad POST /v1/decisions exactly as the HTTP port does', async () => {
    const streamBase = `http://${new URL(server.wsUrl!).host}`;
    const differences: { category: string; name: string; problem: string }[] = [];
    let compared = 0;
    for (const bad of badHttpRequests(HTTP_ON_SOCKET * 3, SEED + 2, ctx)) {
      if (bad.method !== 'POST' || bad.url !== '/v1/decisions') continue;
      const init = {
        method: 'POST',
        headers: bad.headers,
        ...(bad.payload === undefined ? {} : { body: bad.payload }),
      };
      const answers = [];
      for (const base of [server.url, streamBase]) {
        const res = await fetch(`${base}${bad.url}`, init);
        answers.push({ status: res.status, body: parse(await res.text()) });
      }
      const [fastify, uws] = answers;
      if (JSON.stringify(uws) !== JSON.stringify(fastify)) {
        const problem = `HTTP port ${JSON.stringify(fastify).slice(0, 200)}, stream port ${JSON.stringify(uws).slice(0, 200)}`;
        differences.push({ category: bad.category, name: bad.name, problem });
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
    expect(differences.length, summarise(differences)).toBe(0);
  });

  it('answers malformed HTTP itself (not a request the app ever sees) with a 4xx and keeps serving', async () => {
    const host = 'Host: 127.0.0.1\r\n';
    const raw = [
      'GARBAGE\r\n\r\n',
      'GET /health HTTP/9.9\r\n\r\n',
      `POST /v1/decisions HTTP/1.1\r\n${host}Content-Length: abc\r\n\r\n`,
      `POST /v1/decisions HTTP/1.1\r\n${host}Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}`,
      `POST /v1/decisions HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n`,
      `GET /health HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `GET /health HTTP/1.1\r\n${host}Bad Header Name: x\r\n\r\n`,
      'GET /he alth HTTP/1.1\r\n\r\n',
    ];
    for (const request of raw) {
      const status = await rawStatus(server.url, request);
      expect(status, request.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(status, request.slice(0, 60)).toBeLessThan(500);
    }
    await stillServes();
  });
});

describe('bad WebSocket frames', () => {
  it(`answers ${FRAMES} generated bad frames with an error (or a 4xx decision) carrying a code, never a 5xx`, async () => {
    const socket = await open(server.wsUrl!, ctx.keys.agent);
    const failures: { category: string; name: string; problem: string }[] = [];
    for (const bad of badStreamFrames(FRAMES, SEED, ctx)) {
      const answer = await exchange(socket, bad.data, bad.binary);
      const [status, body] =
        answer.type === 'error'
          ? [400, { error: answer.error }]
          : answer.type === 'decision'
            ? [answer.status as number, answer.body]
            : [200, answer];
      // An error frame's status is the code's; a 5xx code in an error frame is as wrong as a 500.
      const problem =
        answer.type === 'error' && /INTERNAL/.test(String(answer.error?.code))
          ? `internal error ${JSON.stringify(answer.error)}`
          : answerProblem(status, body, bad.expect);
      if (problem) failures.push({ category: bad.category, name: bad.name, problem });
    }
    expect(failures.length, summarise(failures)).toBe(0);

    // The same socket still decides.
    const good = await exchange(
      socket,
      JSON.stringify({ id: 'good', type: 'decide', request: { subscriberId: ctx.subscriberId, channel: 'app' } }),
      false,
    );
    expect(good).toMatchObject({ id: 'good', type: 'decision', status: 200 });
    socket.close();
    await stillServes();
  });
});

/** The answer to one frame: frames are answered in order on a socket, so the next frame is this one's. */
function exchange(socket: WebSocket, data: string | Buffer, binary: boolean): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Buffer, isBinary: boolean) => {
      cleanup();
      resolve(isBinary ? (unpack(message) as Record<string, any>) : JSON.parse(message.toString()));
    };
    const onClose = (code: number) => {
      cleanup();
      reject(new Error(`the server closed the socket (${code}) instead of answering`));
    };
    const cleanup = () => {
      socket.off('message', onMessage);
      socket.off('close', onClose);
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.send(data, { binary });
  });
}

function open(url: string, key: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers: { 'x-api-key': key } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends raw bytes and reads the status line of the answer (0 when the server closed without one). */
function rawStatus(base: string, request: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0));
      }
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
