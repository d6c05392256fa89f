// Benchmark: decisions over HTTP (POST /v1/decisions) against the real server, loaded and unloaded, with GET /health
// measured the same way in the same run as the baseline.
import { type LoadRequest, type LoadResult, runLoad } from './autocannon.js';
import { type ServerUnderTest, startServerProcess } from './server-process.js';
import type { BenchResult, BenchRow } from './types.js';

export interface HttpBenchOptions {
  /** Seconds per measured case (default 10). */
  seconds?: number;
  /** Connections for the loaded cases (default 64). */
  connections?: number;
}

/** A decide for a random subscriber of the demo population on the app channel: each request a different profile. */
export function decideRequest(server: ServerUnderTest): LoadRequest {
  return {
    method: 'POST',
    path: '/v1/decisions',
    headers: { 'content-type': 'application/json', 'x-api-key': server.key },
    setupRequest: (request) => ({ ...request, body: JSON.stringify(randomDecide(server.subscribers)) }),
  };
}

export function randomDecide(subscribers: number): { subscriberId: string; channel: string } {
  const n = 1 + Math.floor(Math.random() * subscribers);
  return { subscriberId: `SUB-${String(n).padStart(8, '0')}`, channel: 'app' };
}

/**
 * The server runs in its own process (one core), autocannon in this one (the other core): the set-up of a
 * load generator sharing the 2-core machine. Closed loop: each connection sends its next request on the answer.
 */
export async function benchHttp(options: HttpBenchOptions = {}): Promise<BenchResult> {
  const seconds = options.seconds ?? 10;
  const connections = options.connections ?? 64;
  const server = await startServerProcess();
  try {
    const decide = decideRequest(server);
    const health: LoadRequest = { method: 'GET', path: '/health' };
    const load = (request: LoadRequest, c: number, s = seconds) =>
      runLoad({ url: server.url, connections: c, seconds: s, request });

    await load(decide, connections, 3); // warm-up: JIT, caches, the decision log filling
    const healthLoaded = await load(health, connections);
    const decideLoaded = await load(decide, connections);
    // Closed loop, latency is connections / throughput (Little's law): fewer connections show the other end of it.
    const decideQuarter = await load(decide, Math.max(1, connections / 4));
    const healthAlone = await load(health, 1);
    const decideAlone = await load(decide, 1);

    const rows: BenchRow[] = [
      row(`GET /health (baseline), ${connections} connections`, healthLoaded),
      row(`POST /v1/decisions, app, ${connections} connections`, decideLoaded),
      row(`POST /v1/decisions, app, ${Math.max(1, connections / 4)} connections`, decideQuarter),
      row('GET /health (baseline), 1 connection', healthAlone),
      row('POST /v1/decisions, app, 1 connection', decideAlone),
    ];
    return {
      name: `HTTP decisions (real server, ${server.subscribers.toLocaleString('en-US')} subscribers, autocannon, ${seconds} s per case)`,
      rows,
      ratios: [
        { name: `HTTP decisions/s at ${connections} connections`, value: decideLoaded.requestsPerSec, target: 10_000 },
        {
          name: `HTTP decide p99 at ${connections} connections (ms)`,
          value: decideLoaded.p99Us / 1_000,
          target: 10,
          better: 'lower',
        },
        { name: 'HTTP decide p99, 1 connection (ms)', value: decideAlone.p99Us / 1_000, target: 1, better: 'lower' },
        {
          name: 'decide vs /health throughput, loaded',
          value: decideLoaded.requestsPerSec / healthLoaded.requestsPerSec,
        },
        { name: 'decide vs /health p50, 1 connection', value: decideAlone.p50Us / healthAlone.p50Us, better: 'lower' },
      ],
    };
  } finally {
    await server.stop();
  }
}

function row(name: string, result: LoadResult): BenchRow {
  const bad = result.non2xx + result.errors;
  if (bad > result.responses / 100) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the numbers mean nothing`);
  }
  const notes = [`autocannon ${Math.round(result.clientCpu * 100)}% of a core`];
  if (bad > 0) notes.push(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    case: name,
    opsPerSec: result.requestsPerSec,
    p50Us: result.p50Us,
    p99Us: result.p99Us,
    note: notes.join(', '),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchHttp({ seconds: Number(process.argv[2] ?? 10) }), null, 2));
}
