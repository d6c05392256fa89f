// The operators' KPIs as a Prometheus registry: per endpoint traffic and times, per action uptake, decision stage timings.
import type { Decision, Outcome } from '@arbiter/engine';
import { collectDefaultMetrics, type Registry as PromRegistry, Registry } from 'prom-client';
import { BoundedMap } from './bounded-map.js';
import { BucketHistogram } from './bucket-histogram.js';
import { collected, type Row } from './collected-metric.js';
import { type EndpointStats, EndpointTable, recordResponse } from './endpoint-stats.js';

export interface MetricsOptions {
  /** Epoch ms, for the TPS windows (tests drive it). */
  clock?: () => number;
  /** Seconds the request and response TPS are averaged over (whole seconds, the current one left out). Default 10. */
  windowSeconds?: number;
  /** Node's process metrics (CPU, memory, event loop lag, GC) under their usual names. Default true. */
  defaultMetrics?: boolean;
  /** Distinct endpoints, actions, channels and reasons kept as labels; more are counted under `_other`. Default 1000. */
  maxLabelValues?: number;
}

/** What the server reports into; `registry` is what GET /metrics renders. */
export interface Metrics {
  readonly registry: PromRegistry;
  /** A request arrived on an endpoint: the route pattern (`/v1/decisions`) or a stream message (`ws:decide`). */
  request(endpoint: string, method: string): void;
  /** Its response went out, with the status and the time it took. */
  response(endpoint: string, method: string, status: number, durationMs: number): void;
  /** A decision was made: offers per action, stage timings, degraded fallbacks (the decide handler calls it). */
  decision(decision: Decision): void;
  /** An outcome was recorded against an action of a decision (the outcome handler calls it). */
  outcome(actionId: string, outcome: Outcome): void;
  /** A stream event: opened, closed, push, push-dropped, push-failed, closed-backpressure. */
  stream(event: string): void;
}

const STAGES = ['profile', 'candidates', 'eligibility', 'policy', 'scoring', 'arbitration', 'total'] as const;
const OUTCOMES: readonly Outcome[] = ['impression', 'click', 'accept', 'reject', 'convert'];
/** Decision stages take microseconds to tens of milliseconds; buckets in seconds, as Prometheus expects. */
const STAGE_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

interface ActionStats {
  offers: number;
  outcomes: Record<Outcome, number>;
}

/**
 * Builds the metrics on a fresh registry. Counts are plain numbers on the request path and become Prometheus series
 * only when scraped; TPS is averaged over the last `windowSeconds` complete seconds; average and maximum response
 * times are since start (rate(arbiter_response_time_seconds_total) / rate(arbiter_responses_total) gives a windowed
 * average in PromQL).
 *
 * @example
 * const metrics = createMetrics();
 * metrics.request('/v1/decisions', 'POST');
 * metrics.response('/v1/decisions', 'POST', 200, 1.8);
 * console.log(await metrics.registry.metrics());
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const clock = options.clock ?? Date.now;
  const maxLabels = options.maxLabelValues ?? 1000;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const endpoints = new EndpointTable(options.windowSeconds ?? 10, maxLabels);
  const actions = new BoundedMap<ActionStats>(maxLabels, () => ({
    offers: 0,
    outcomes: { impression: 0, click: 0, accept: 0, reject: 0, convert: 0 },
  }));
  const channels = new BoundedMap<{ n: number }>(maxLabels, () => ({ n: 0 }));
  const degraded = new BoundedMap<{ n: number }>(maxLabels, () => ({ n: 0 }));
  const streamEvents = new BoundedMap<{ n: number }>(maxLabels, () => ({ n: 0 }));
  let streamConnections = 0;

  const endpointLabels = ['endpoint', 'method'] as const;
  const perEndpoint = (name: string, help: string, value: (s: EndpointStats) => number, type: 'counter' | 'gauge') =>
    collected(registry, type, name, help, endpointLabels, () =>
      [...endpoints].map((s): Row => [{ endpoint: s.endpoint, method: s.method }, value(s)]),
    );
  perEndpoint('arbiter_requests_total', 'Requests received, per endpoint.', (s) => s.requests, 'counter');
  perEndpoint('arbiter_responses_total', 'Responses sent, per endpoint.', (s) => s.responses, 'counter');
  perEndpoint(
    'arbiter_responses_success_total',
    'Successful responses (status below 400).',
    (s) => s.successes,
    'counter',
  );
  perEndpoint(
    'arbiter_responses_rejected_total',
    'Rejected requests (4xx: bad input, auth, limits).',
    (s) => s.rejected,
    'counter',
  );
  perEndpoint(
    'arbiter_responses_failed_total',
    'Failed requests (5xx: the server could not answer).',
    (s) => s.failures,
    'counter',
  );
  perEndpoint('arbiter_response_time_seconds_total', 'Sum of response times.', (s) => s.totalMs / 1000, 'counter');
  perEndpoint(
    'arbiter_response_time_avg_seconds',
    'Average response time since start.',
    (s) => (s.responses === 0 ? 0 : s.totalMs / s.responses / 1000),
    'gauge',
  );
  perEndpoint(
    'arbiter_response_time_max_seconds',
    'Maximum response time since start.',
    (s) => s.maxMs / 1000,
    'gauge',
  );
  perEndpoint(
    'arbiter_request_tps',
    'Requests per second over the last window of whole seconds.',
    (s) => s.requestRate.perSecond(clock()),
    'gauge',
  );
  perEndpoint(
    'arbiter_response_tps',
    'Responses per second over the last window of whole seconds.',
    (s) => s.responseRate.perSecond(clock()),
    'gauge',
  );

  const actionRows = (value: (a: ActionStats) => number) => () =>
    [...actions].map(([action, a]) => [{ action }, value(a)] as Row);
  collected(
    registry,
    'counter',
    'arbiter_action_offers_total',
    'Times an action was among the actions a decision returned.',
    ['action'],
    actionRows((a) => a.offers),
  );
  collected(
    registry,
    'counter',
    'arbiter_action_accepted_total',
    'Accept outcomes recorded for an action.',
    ['action'],
    actionRows((a) => a.outcomes.accept),
  );
  collected(
    registry,
    'gauge',
    'arbiter_action_uptake_rate',
    'Accepted / offers made, per action, since start (0 before any offer).',
    ['action'],
    actionRows((a) => (a.offers === 0 ? 0 : a.outcomes.accept / a.offers)),
  );
  collected(
    registry,
    'counter',
    'arbiter_action_outcomes_total',
    'Outcomes recorded, per action and outcome.',
    ['action', 'outcome'],
    () =>
      [...actions].flatMap(([action, a]) =>
        OUTCOMES.map((outcome) => [{ action, outcome }, a.outcomes[outcome]] as Row),
      ),
  );
  collected(registry, 'counter', 'arbiter_decisions_total', 'Decisions made, per channel.', ['channel'], () =>
    [...channels].map(([channel, c]): Row => [{ channel }, c.n]),
  );
  collected(
    registry,
    'counter',
    'arbiter_decisions_degraded_total',
    'Documented fallbacks decisions took, per reason.',
    ['reason'],
    () => [...degraded].map(([reason, c]): Row => [{ reason }, c.n]),
  );
  collected(registry, 'gauge', 'arbiter_stream_connections', 'Open WebSocket stream connections.', [], () => [
    [{}, streamConnections],
  ]);
  collected(
    registry,
    'counter',
    'arbiter_stream_events_total',
    'Stream events: opened, closed, push, push-dropped (slow client), push-failed, closed-backpressure.',
    ['event'],
    () => [...streamEvents].map(([event, c]): Row => [{ event }, c.n]),
  );

  const stageHistogram = new BucketHistogram(
    registry,
    'arbiter_decision_stage_seconds',
    'Time per decision stage (decision.timings), in seconds.',
    'stage',
    STAGES,
    STAGE_BUCKETS,
  );

  return {
    registry,
    request(endpoint, method) {
      const stats = endpoints.get(endpoint, method);
      stats.requests++;
      stats.requestRate.add(clock());
    },
    response(endpoint, method, status, durationMs) {
      recordResponse(endpoints.get(endpoint, method), status, durationMs, clock());
    },
    decision(decision) {
      channels.get(decision.channel).n++;
      for (const action of decision.actions) actions.get(action.actionId).offers++;
      for (const entry of decision.degraded) degraded.get(entry.reason).n++;
      const timings = decision.timings as unknown as Record<string, unknown> | undefined;
      if (!timings) return;
      for (let stage = 0; stage < STAGES.length; stage++) {
        const ms = timings[STAGES[stage]!];
        if (typeof ms === 'number') stageHistogram.observe(stage, ms / 1000);
      }
    },
    outcome(actionId, outcome) {
      const stats = actions.get(actionId);
      if (Object.hasOwn(stats.outcomes, outcome)) stats.outcomes[outcome]++;
    },
    stream(event) {
      if (event === 'opened') streamConnections++;
      else if (event === 'closed') streamConnections--;
      streamEvents.get(event).n++;
    },
  };
}
