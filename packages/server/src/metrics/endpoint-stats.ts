// Per endpoint (route pattern + method) counts and times, kept as plain numbers on the request path.
import { RateWindow } from './rate-window.js';

export interface EndpointStats {
  endpoint: string;
  method: string;
  requests: number;
  responses: number;
  /** Status below 400: 2xx, and 101 for an accepted WebSocket upgrade. */
  successes: number;
  /** 4xx: the caller's fault (bad input, auth, rate limit). */
  rejected: number;
  /** 5xx: the server's fault. */
  failures: number;
  totalMs: number;
  maxMs: number;
  requestRate: RateWindow;
  responseRate: RateWindow;
}

/** The label a value past `maxLabelValues` is counted under, so a misuse cannot grow the series without bound. */
export const OTHER_LABEL = '_other';

/** Endpoint stats by method, then endpoint; at most `maxEndpoints` distinct endpoints. */
export class EndpointTable {
  private readonly byMethod = new Map<string, Map<string, EndpointStats>>();
  private size = 0;

  constructor(
    private readonly windowSeconds: number,
    private readonly maxEndpoints: number,
  ) {}

  get(endpoint: string, method: string): EndpointStats {
    let endpoints = this.byMethod.get(method);
    if (!endpoints) {
      endpoints = new Map();
      this.byMethod.set(method, endpoints);
    }
    let stats = endpoints.get(endpoint);
    if (stats) return stats;
    if (this.size >= this.maxEndpoints && endpoint !== OTHER_LABEL) return this.get(OTHER_LABEL, method);
    stats = {
      endpoint,
      method,
      requests: 0,
      responses: 0,
      successes: 0,
      rejected: 0,
      failures: 0,
      totalMs: 0,
      maxMs: 0,
      requestRate: new RateWindow(this.windowSeconds),
      responseRate: new RateWindow(this.windowSeconds),
    };
    endpoints.set(endpoint, stats);
    this.size++;
    return stats;
  }

  *[Symbol.iterator](): IterableIterator<EndpointStats> {
    for (const endpoints of this.byMethod.values()) yield* endpoints.values();
  }
}

/** Records one response on its endpoint's stats. */
export function recordResponse(stats: EndpointStats, status: number, durationMs: number, nowMs: number): void {
  stats.responses++;
  if (status >= 500) stats.failures++;
  else if (status >= 400) stats.rejected++;
  else stats.successes++;
  // A negative or NaN duration (a clock step, a caller's bug) would poison the average for good.
  const ms = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
  stats.totalMs += ms;
  if (ms > stats.maxMs) stats.maxMs = ms;
  stats.responseRate.add(nowMs);
}
