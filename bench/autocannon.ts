// A typed door to autocannon (it ships no types): one run, with every response's latency kept at µs resolution.
import { createRequire } from 'node:module';
import { LatencyRecorder } from './latency.js';

/** What one request looks like; `setupRequest` makes each one anew (a different subscriber per request). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  setupRequest?: (request: { body?: string }) => { body?: string };
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Stop after this many requests instead (a warm-up that must reach a count). */
  amount?: number;
  request: LoadRequest;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Us: number;
  p99Us: number;
  responses: number;
  non2xx: number;
  errors: number;
  /** This process's CPU over the run, as a share of one core: near 1, autocannon was the bottleneck. */
  clientCpu: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * Closed-loop load: `connections` keep-alive connections, each sending its next request when the last answer came.
 * autocannon's own histogram counts whole milliseconds, too coarse for sub-millisecond answers, so latencies are
 * taken from its per-response event instead.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new LatencyRecorder();
  const cpu = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount === undefined ? { duration: options.seconds } : { amount: options.amount }),
        pipelining: 1,
        requests: [options.request],
      },
      (error, result) => {
        if (error) return reject(error);
        const used = process.cpuUsage(cpu);
        resolve({
          clientCpu: (used.user + used.system) / 1e6 / result.duration,
          requestsPerSec: result.requests.total / result.duration,
          ...latencies.percentiles(),
          responses: latencies.count,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status < 300) latencies.addMs(ms);
    });
  });
}
