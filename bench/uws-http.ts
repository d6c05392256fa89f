// Benchmark: POST /v1/decisions over uWebSockets.js HTTP against Fastify, same handler, to decide whether uWS HTTP is worth keeping.
import { spawn } from 'node:child_process';
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildConfig, createEngine, type Engine, generatePopulation, InMemoryProfileStore } from '@arbiter/engine';
import { readConfigDir } from '@arbiter/engine/config-files';
import uWS from '@trufflesuite/uws-js-unofficial';
import Fastify from 'fastify';
import { decide } from '../packages/server/src/handlers/decide.js';
import { isRole, roleAllows } from '../packages/server/src/security/roles.js';
import { startServer } from '../packages/server/src/serve.js';
import type { BenchRatio, BenchResult, BenchRow } from './types.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const SUBSCRIBERS = 20_000;
const BODY_LIMIT = 64 * 1024;

/**
 * Two pairs, each pair in one child process (one core; autocannon has the other), measured alternately:
 * - minimal: a bare Fastify app and a bare uWS app calling the same handler (the engine, or a canned decision), so
 *   the transports' own cost shows;
 * - product: the real server (`startServer`: auth, schemas, metrics, error mapping) against a uWS route doing what a
 *   uWS port of the route would have to (key check, role, body limit, metrics) around the same decide handler on the
 *   same runtime.
 */
type Pair = 'minimal' | 'product';
type Handler = (body: unknown) => Promise<{ status: number; body: unknown }>;
interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface ChildServers {
  fastify: string;
  uws: string;
  key?: string;
  stop(): void;
}

export interface UwsHttpBenchOptions {
  /** Seconds per measured run (after a 1 s warm-up per case). Default 4. */
  seconds?: number;
  /** Rounds per case; the median round (by throughput) is reported. Default 3. */
  rounds?: number;
  /** Concurrent connections from autocannon. Default 32. */
  connections?: number;
}

/** The slice of autocannon's API this file uses (it ships no types). */
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests?: LoadRequest[];
}) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonResult {
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
}

/** Measures both pairs and reports uWS / Fastify ratios for each case. */
export async function benchUwsHttp(options: UwsHttpBenchOptions = {}): Promise<BenchResult> {
  const settings = {
    seconds: options.seconds ?? 4,
    rounds: options.rounds ?? 3,
    connections: options.connections ?? 32,
  };
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const ids = [...generatePopulation({ seed: 42, count: 200 })].map((p) => p.subscriberId);
  const bodies = ids.map((subscriberId) => JSON.stringify({ subscriberId, channel: 'app' }));
  const post = (path: string, headers: Record<string, string> = {}) =>
    bodies.map((body) => ({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body }));

  const rows: BenchRow[] = [];
  const ratios: BenchRatio[] = [];
  const minimal = await startChild('minimal');
  try {
    const cases: [string, LoadRequest[]][] = [
      ['GET /hello', [{ method: 'GET', path: '/hello' }]],
      ['decide, canned handler', post('/fake/v1/decisions').slice(0, 1)],
      ['decide, engine handler', post('/v1/decisions')],
    ];
    for (const [name, requests] of cases)
      compare(`minimal, ${name}`, await alternate(autocannon, minimal, requests, settings));
  } finally {
    minimal.stop();
  }
  const product = await startChild('product');
  try {
    const cases: [string, LoadRequest[]][] = [
      ['GET /health', [{ method: 'GET', path: '/health' }]],
      ['POST /v1/decisions', post('/v1/decisions', { 'x-api-key': product.key! })],
    ];
    for (const [name, requests] of cases)
      compare(`product, ${name}`, await alternate(autocannon, product, requests, settings));
  } finally {
    product.stop();
  }
  return {
    name: `decide over uWebSockets.js HTTP vs Fastify (same handler, ${settings.connections} connections, median of ${settings.rounds} alternating rounds)`,
    rows,
    ratios,
  };

  function compare(name: string, measured: { fastify: BenchRow; uws: BenchRow }): void {
    rows.push({ ...measured.fastify, case: `${name}: Fastify` }, { ...measured.uws, case: `${name}: uWS` });
    ratios.push({
      name: `${name}: uWS / Fastify requests/s`,
      value: measured.uws.opsPerSec / measured.fastify.opsPerSec,
    });
    ratios.push({
      name: `${name}: uWS / Fastify p99`,
      value: measured.uws.p99Us! / measured.fastify.p99Us!,
      better: 'lower',
    });
  }
}

/**
 * Both servers of a pair idle side by side, and their runs alternate round after round, so a neighbour's load on
 * this shared machine lands on both; each reports its median round.
 */
async function alternate(
  autocannon: Autocannon,
  servers: ChildServers,
  requests: LoadRequest[],
  settings: { seconds: number; rounds: number; connections: number },
): Promise<{ fastify: BenchRow; uws: BenchRow }> {
  const kinds = ['fastify', 'uws'] as const;
  const runs: Record<(typeof kinds)[number], BenchRow[]> = { fastify: [], uws: [] };
  for (const kind of kinds) {
    await autocannon({ url: servers[kind], connections: settings.connections, duration: 1, requests }); // warm-up
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
      runs[kind].push(await measure(autocannon, servers[kind], requests, settings.connections, settings.seconds));
    }
  }
  return { fastify: median(runs.fastify), uws: median(runs.uws) };
}

/** One autocannon run: 2xx per second, and p50/p99 from every 2xx response time (autocannon's own are whole ms). */
async function measure(
  autocannon: Autocannon,
  url: string,
  requests: LoadRequest[],
  connections: number,
  seconds: number,
): Promise<BenchRow> {
  const latencies: number[] = [];
  const run = autocannon({ url, connections, duration: seconds, requests });
  run.on('response', (_client, status, _bytes, ms) => {
    if (status < 300) latencies.push(ms);
  });
  const result = await run;
  const bad = result.non2xx + result.errors + result.timeouts;
  latencies.sort((a, b) => a - b);
  return {
    case: url,
    opsPerSec: result['2xx'] / result.duration,
    p50Us: percentile(latencies, 0.5) * 1000,
    p99Us: percentile(latencies, 0.99) * 1000,
    note: bad > 0 ? `${bad} errors or non-2xx` : '',
  };
}

function median(runs: BenchRow[]): BenchRow {
  const sorted = [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  const spread = `${Math.round(sorted[0]!.opsPerSec)} to ${Math.round(sorted.at(-1)!.opsPerSec)}/s`;
  return { ...middle, note: [spread, middle.note].filter(Boolean).join('; ') };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Starts `tsx bench/uws-http.ts serve <pair>` and waits for the URLs it prints. */
function startChild(pair: Pair): Promise<ChildServers> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, 'serve', pair], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const line = /^READY (.*)$/m.exec(out)?.[1];
      if (line === undefined) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ ...(JSON.parse(line) as Omit<ChildServers, 'stop'>), stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the ${pair} servers exited with ${code} before listening`)));
  });
}

/** The minimal pair's handlers: the engine's decide as `{ status, body }`, and a canned decision of the real size. */
async function minimalHandlers(): Promise<{ engine: Handler; canned: Handler }> {
  const config = await buildConfig(await readConfigDir(RULES));
  const profiles = new InMemoryProfileStore(generatePopulation({ seed: 42, count: SUBSCRIBERS }));
  const now = Date.parse('2026-11-22T12:00:00Z');
  const engine: Engine = createEngine({ config, profiles, clock: () => now });
  const handler: Handler = async (body) => {
    const result = await engine.decide(body as Parameters<Engine['decide']>[0]);
    return result.ok ? { status: 200, body: result.decision } : { status: 400, body: { error: result.error } };
  };
  const canned = await handler({ subscriberId: 'SUB-00000001', channel: 'app' });
  return { engine: handler, canned: async () => canned };
}

async function serveMinimal(): Promise<void> {
  const handlers = await minimalHandlers();
  const routes: [string, Handler][] = [
    ['/v1/decisions', handlers.engine],
    ['/fake/v1/decisions', handlers.canned],
  ];
  const fastify = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  fastify.get('/hello', async () => ({ hello: 'world' }));
  for (const [path, handler] of routes) {
    fastify.post(path, async (request, reply) => {
      const { status, body } = await handler(request.body);
      return reply.code(status).send(body);
    });
  }
  const app = uWS.App();
  app.get('/hello', (res) => {
    res.writeHeader('content-type', 'application/json').end('{"hello":"world"}');
  });
  for (const [path, handler] of routes) app.post(path, (res) => uwsJsonPost(res, (body) => handler(body)));
  ready({ fastify: await fastify.listen({ host: '127.0.0.1', port: 0 }), uws: await uwsListen(app) });
}

async function serveProduct(): Promise<void> {
  const server = await startServer({
    rulesDir: RULES,
    port: 0,
    population: { count: SUBSCRIBERS, seed: 42 },
    apiKeys: 'demo',
    logger: false,
    requestLogging: false,
    watch: false,
    wsPort: false,
  });
  const { runtime } = server;
  const app = uWS.App();
  app.get('/health', (res) => {
    res.writeHeader('content-type', 'application/json').end('{"status":"ok"}');
  });
  app.post('/v1/decisions', (res, req) => {
    // What a uWS port of the route must do besides calling the handler: the key, the role, the metrics.
    const started = performance.now();
    runtime.metrics.request('/v1/decisions', 'POST');
    const key = req.getHeader('x-api-key') || /^Bearer (\S+)$/i.exec(req.getHeader('authorization'))?.[1];
    const caller = key ? runtime.keys.verify(key) : undefined;
    if (!caller || !isRole(caller.role) || !roleAllows(caller.role, 'channel')) {
      res.writeStatus('401 Unauthorized').end('{"error":{"code":"AUTH_INVALID_KEY"}}');
      runtime.metrics.response('/v1/decisions', 'POST', 401, performance.now() - started);
      return;
    }
    uwsJsonPost(res, async (body) => {
      const reply = await decide(runtime, body, caller);
      runtime.metrics.response('/v1/decisions', 'POST', reply.status, performance.now() - started);
      return reply;
    });
  });
  const key = server.keys.find((k) => k.role === 'channel')?.key;
  ready({ fastify: server.url, uws: await uwsListen(app), key });
}

/** A JSON POST on uWS: the body gathered from its chunks under the limit, the handler called, the answer corked. */
function uwsJsonPost(res: uWS.HttpResponse, handler: Handler): void {
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const chunks: Buffer[] = [];
  let size = 0;
  res.onData((chunk, isLast) => {
    if (aborted) return;
    size += chunk.byteLength;
    if (size > BODY_LIMIT) {
      aborted = true;
      res.cork(() => res.writeStatus('413 Payload Too Large').end('{"error":{"code":"BODY_TOO_LARGE"}}', true));
      return;
    }
    chunks.push(Buffer.from(chunk.slice(0))); // uWS neuters the chunk after this callback
    if (!isLast) return;
    let input: unknown;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.cork(() => res.writeStatus('400 Bad Request').end('{"error":{"code":"BODY_INVALID_JSON"}}'));
      return;
    }
    void handler(input).then(({ status, body }) => {
      if (aborted) return;
      res.cork(() => {
        res
          .writeStatus(`${status} ${STATUS_CODES[status]}`)
          .writeHeader('content-type', 'application/json')
          .end(JSON.stringify(body));
      });
    });
  });
}

function uwsListen(app: uWS.TemplatedApp): Promise<string> {
  return new Promise((resolve, reject) => {
    app.listen('127.0.0.1', 0, (listenSocket) => {
      if (!listenSocket) reject(new Error('uWS could not listen'));
      else resolve(`http://127.0.0.1:${uWS.us_socket_local_port(listenSocket as never)}`);
    });
  });
}

function ready(servers: Omit<ChildServers, 'stop'>): void {
  process.stdout.write(`READY ${JSON.stringify(servers)}\n`);
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === 'serve') await (process.argv[3] === 'product' ? serveProduct() : serveMinimal());
  else {
    const [seconds, rounds] = [Number(process.argv[2] ?? 4), Number(process.argv[3] ?? 3)];
    console.log(JSON.stringify(await benchUwsHttp({ seconds, rounds }), null, 2));
  }
}
