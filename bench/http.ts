// Benchmark: decisions over HTTP (POST /v1/decisions) against the real server, on its Fastify port and on the stream
// port's uWebSockets.js HTTP route, loaded and unloaded, with GET /health measured the same way in the same run as
// the baseline.
import { type LoadRequest, type LoadResult, runLoad } from './autocannon.js';
import { type OpenLoopResult, rawRequest, runOpenLoop } from './open-loop.js';
import { processCpuUs, type ServerUnderTest, startBusyServer, startServerProcess } from './server-process.js';
import type { BenchRatio, BenchResult, BenchRow } from './types.js';

export interface HttpBenchOptions {
  /** Seconds per measured case (default 10). */
  seconds?: number;
  /** Connections for the loaded cases (default 64 and 32). */
  connections?: readonly number[];
  /** Decisions a second offered at a steady rate in the open-loop cases (default 10,000: the target). */
  rate?: number;
}

type Port = 'Fastify' | 'uWS';

/** Decisions made before measuring: past the in-memory decision log's 100,000. */
const WARM_UP = 110_000;
/** Keep-alive connections the open-loop cases spread their requests over (more than are ever busy at once). */
const OPEN_LOOP_CONNECTIONS = 64;

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

/** The stream port's HTTP base URL (it serves POST /v1/decisions over uWS HTTP too). */
export function streamHttpUrl(server: ServerUnderTest): string {
  const url = new URL(server.wsUrl);
  return `http://${url.host}`;
}

/**
 * The server runs in its own process (one core), autocannon in this one (the other core): the set-up of a
 * load generator sharing the 2-core machine. Closed loop: each connection sends its next request on the answer.
 * At each connection count the two ports are measured back to back, so a neighbour's load lands on both.
 */
export async function benchHttp(options: HttpBenchOptions = {}): Promise<BenchResult> {
  const seconds = options.seconds ?? 10;
  const loads = options.connections ?? [64, 32];
  const server = await startServerProcess();
  try {
    const decide = decideRequest(server);
    const health: LoadRequest = { method: 'GET', path: '/health' };
    const urls: Record<Port, string> = { Fastify: server.url, uWS: streamHttpUrl(server) };
    const load = (port: Port, request: LoadRequest, connections: number, s = seconds) =>
      runLoad({ url: urls[port], connections, seconds: s, request });

    // Warm-up: JIT and caches on both ports, and the server's in-memory decision log (the last 100,000 decisions)
    // filled, so every case runs in the steady state of a server that has been up a while: a decision also evicts
    // the oldest logged one from then on, and a case measured while the log fills would look cheaper than it is.
    for (const port of ['Fastify', 'uWS'] as const) {
      await runLoad({ url: urls[port], connections: loads[0]!, seconds: 0, amount: WARM_UP / 2, request: decide });
    }

    const rows: BenchRow[] = [];
    const ratios: BenchRatio[] = [];
    for (const connections of loads) {
      const baseline = await load('Fastify', health, connections);
      rows.push(row(`GET /health (baseline), Fastify, ${connections} connections`, baseline));
      const measured = {} as Record<Port, LoadResult>;
      for (const port of ['Fastify', 'uWS'] as const) {
        measured[port] = await load(port, decide, connections);
        rows.push(row(`POST /v1/decisions, ${port}, ${connections} connections`, measured[port]));
      }
      for (const port of ['Fastify', 'uWS'] as const) {
        const m = measured[port];
        ratios.push(
          { name: `${port} decisions/s at ${connections} connections`, value: m.requestsPerSec, target: 10_000 },
          {
            name: `${port} decide p99 at ${connections} connections (ms)`,
            value: m.p99Us / 1_000,
            target: 10,
            better: 'lower',
          },
          {
            name: `${port} decide vs /health throughput, ${connections} connections`,
            value: m.requestsPerSec / baseline.requestsPerSec,
          },
        );
      }
      ratios.push(
        {
          name: `uWS / Fastify decisions/s, ${connections} connections`,
          value: measured.uWS.requestsPerSec / measured.Fastify.requestsPerSec,
        },
        {
          name: `uWS / Fastify decide p99, ${connections} connections`,
          value: measured.uWS.p99Us / measured.Fastify.p99Us,
          better: 'lower',
        },
      );
    }

    // Open loop: requests fall due at a steady rate whatever the server's pace, each timed from when it fell due
    // (the closed loop above slows its clients down whenever the server stalls, so its p99 leaves the stall out).
    const rate = options.rate ?? 10_000;
    const steady = (port: Port, request: LoadRequest) =>
      runOpenLoop({
        url: urls[port],
        rate,
        seconds,
        connections: OPEN_LOOP_CONNECTIONS,
        request: rawRequest(urls[port], request),
      });
    const rateText = `${rate.toLocaleString('en-US')}/s offered`;
    const healthSteady = await steady('Fastify', health);
    rows.push(openRow(`GET /health (baseline), Fastify, ${rateText}`, healthSteady));
    /** The uWS decide route at the steady rate: its p99 and the server's CPU a decision. */
    let uwsSteady: { p99Us: number; cpuUs: number | undefined } | undefined;
    for (const port of ['uWS', 'Fastify'] as const) {
      await settle();
      const cpuBefore = processCpuUs(server.pid);
      const measured = await steady(port, decide);
      const cpuAfter = processCpuUs(server.pid);
      const cpuUs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      const perDecision = cpuUs === undefined ? undefined : cpuUs / Math.max(1, measured.responses);
      if (port === 'uWS') uwsSteady = { p99Us: measured.p99Us, cpuUs: perDecision };
      rows.push(openRow(`POST /v1/decisions, ${port}, ${rateText}`, measured, perDecision));
      ratios.push(
        { name: `${port} decide p99 at ${rateText} (ms)`, value: measured.p99Us / 1_000, target: 10, better: 'lower' },
        {
          name: `${port} decide vs /health p99 at ${rateText}`,
          value: measured.p99Us / healthSteady.p99Us,
          better: 'lower',
        },
      );
    }
    await settle();

    // A bare uWS server as busy as the decide route was (the same server CPU a request, nothing else): what this
    // machine does at that load with any server, so the decide route's own share of its latency shows.
    if (uwsSteady?.cpuUs !== undefined) {
      const busy = await busyBaseline(uwsSteady.cpuUs, rate, seconds);
      if (busy) {
        rows.push(
          openRow(
            `a bare uWS server as busy as the decide route (baseline), ${rateText}`,
            busy.result,
            busy.cpuPerRequestUs,
            `burning ${Math.round(busy.busyUs)} us a request`,
          ),
        );
        ratios.push({
          name: `uWS decide vs a bare server as busy, p99 at ${rateText}`,
          value: uwsSteady.p99Us / busy.result.p99Us,
          better: 'lower',
        });
      }
      await settle();
    }

    // Closed loop, one connection: the unloaded latency.
    const healthAlone = await load('Fastify', health, 1);
    rows.push(row('GET /health (baseline), Fastify, 1 connection', healthAlone));
    for (const port of ['Fastify', 'uWS'] as const) {
      const alone = await load(port, decide, 1);
      rows.push(row(`POST /v1/decisions, ${port}, 1 connection`, alone));
      ratios.push(
        { name: `${port} decide p99, 1 connection (ms)`, value: alone.p99Us / 1_000, target: 1, better: 'lower' },
        {
          name: `${port} decide vs /health p50, 1 connection`,
          value: alone.p50Us / healthAlone.p50Us,
          better: 'lower',
        },
      );
    }
    return {
      name: `HTTP decisions, Fastify port and the stream port's uWS HTTP (real server, ${server.subscribers.toLocaleString('en-US')} subscribers, autocannon, ${seconds} s per case)`,
      rows,
      ratios,
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
  const connections = process.argv[3]?.split(',').map(Number);
  const rate = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  console.log(JSON.stringify(await benchHttp({ seconds: Number(process.argv[2] ?? 10), connections, rate }), null, 2));
}

/**
 * The bare busy server at the rate, burning enough to use `cpuPerRequestUs` of CPU a request: first burning half of
 * it for 3 s, which tells its own CPU a request at about that load (uWS, the kernel, being woken), then burning the
 * rest. Undefined where the CPU time of a process cannot be read.
 */
async function busyBaseline(cpuPerRequestUs: number, rate: number, seconds: number) {
  const perRequest = async (busyUs: number, s: number) => {
    const busy = await startBusyServer(busyUs);
    try {
      const request = rawRequest(busy.url, { method: 'POST', path: '/v1/decisions', setupRequest: busyBody });
      await runOpenLoop({ url: busy.url, rate, seconds: 1, connections: OPEN_LOOP_CONNECTIONS, request });
      const before = processCpuUs(busy.pid);
      const result = await runOpenLoop({
        url: busy.url,
        rate,
        seconds: s,
        connections: OPEN_LOOP_CONNECTIONS,
        request,
      });
      const after = processCpuUs(busy.pid);
      if (before === undefined || after === undefined) return undefined;
      return { result, cpuPerRequestUs: (after - before) / Math.max(1, result.responses) };
    } finally {
      await busy.stop();
    }
  };
  const half = cpuPerRequestUs / 2;
  const probe = await perRequest(half, 3);
  if (!probe) return undefined;
  const busyUs = Math.max(0, cpuPerRequestUs - (probe.cpuPerRequestUs - half));
  const loaded = await perRequest(busyUs, seconds);
  return loaded && { busyUs, ...loaded };
}

/** The busy server reads a body as the decide route does; it is not looked at. */
function busyBody(request: { body?: string }): { body?: string } {
  return { ...request, body: '{"subscriberId":"SUB-00000001"}' };
}

/** An open-loop case: answers a second, latency from when each request fell due, and what was left over. */
function openRow(name: string, result: OpenLoopResult, serverCpuUs?: number, more?: string): BenchRow {
  if (result.non2xx + result.errors > result.responses / 100) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} failed connections`);
  }
  const notes = [
    `open loop, ${result.offered.toLocaleString('en-US')} due`,
    `max ${(result.maxUs / 1_000).toFixed(0)} ms`,
    `backlog at the end ${result.backlog}`,
  ];
  if (result.unanswered > 0) notes.push(`${result.unanswered} never answered`);
  notes.push(`client ${Math.round(result.clientCpu * 100)}% of a core`);
  if (serverCpuUs !== undefined) notes.push(`server ${serverCpuUs.toFixed(0)} us CPU a request`);
  if (more !== undefined) notes.push(more);
  return {
    case: name,
    opsPerSec: result.answeredPerSec,
    p50Us: result.p50Us,
    p99Us: result.p99Us,
    note: notes.join(', '),
  };
}

/** A pause between cases, so one case's leftover work (an overloaded port's queue) does not land on the next. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}
