// The operators' KPIs: per endpoint counts, times and TPS, per action uptake, stage timings, and GET /metrics.
import type { Decision } from '@arbiter/engine';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/metrics.js';
import { metricsPlugin } from '../src/metrics/metrics-plugin.js';

/** A decision with just what the metrics read. */
function decision(
  actionIds: string[],
  timingsMs: Partial<Decision['timings']> = {},
  degraded: string[] = [],
): Decision {
  return {
    decisionId: 'd',
    subscriberId: 'SUB-1',
    channel: 'app',
    configVersion: 'v1',
    decidedAt: '2026-11-22T12:00:00Z',
    actions: actionIds.map((actionId, i) => ({ actionId, rank: i + 1 })),
    degraded: degraded.map((reason) => ({ reason, detail: '' })),
    counts: { actions: 0, candidates: 0, eligible: 0, allowed: 0, selected: actionIds.length },
    timings: {
      profile: 0,
      candidates: 0,
      eligibility: 0,
      policy: 0,
      scoring: 0,
      arbitration: 0,
      total: 0,
      ...timingsMs,
    },
  } as unknown as Decision;
}

/** The value of one series in Prometheus text, e.g. value(text, 'arbiter_requests_total{endpoint="/x",method="GET"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const at = (endpoint: string, method: string) => `{endpoint="${endpoint}",method="${method}"}`;

describe('endpoint KPIs', () => {
  it('counts requests, responses, successes, rejections and failures, with average and maximum time', async () => {
    const metrics = createMetrics({ defaultMetrics: false, clock: () => 1_000_000 });
    const replies: [number, number][] = [
      [200, 2],
      [200, 5],
      [201, 3],
      [400, 1],
      [503, 9],
    ];
    for (const [status, ms] of replies) {
      metrics.request('/v1/decisions', 'POST');
      metrics.response('/v1/decisions', 'POST', status, ms);
    }
    metrics.request('/v1/decisions', 'POST'); // still in flight: a request without a response yet
    const text = await metrics.registry.metrics();
    const on = at('/v1/decisions', 'POST');
    expect(value(text, `arbiter_requests_total${on}`)).toBe(6);
    expect(value(text, `arbiter_responses_total${on}`)).toBe(5);
    expect(value(text, `arbiter_responses_success_total${on}`)).toBe(3);
    expect(value(text, `arbiter_responses_rejected_total${on}`)).toBe(1);
    expect(value(text, `arbiter_responses_failed_total${on}`)).toBe(1);
    expect(value(text, `arbiter_response_time_max_seconds${on}`)).toBe(0.009);
    expect(value(text, `arbiter_response_time_avg_seconds${on}`)).toBeCloseTo(0.004, 9);
    expect(value(text, `arbiter_response_time_seconds_total${on}`)).toBeCloseTo(0.02, 9);
  });

  it('keeps one series per endpoint and method, and ignores durations that are not times', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.response('/v1/events', 'POST', 202, Number.NaN);
    metrics.response('/v1/events', 'POST', 202, -3);
    metrics.response('/v1/actions', 'GET', 200, 1);
    const text = await metrics.registry.metrics();
    expect(value(text, `arbiter_response_time_max_seconds${at('/v1/events', 'POST')}`)).toBe(0);
    expect(value(text, `arbiter_responses_total${at('/v1/events', 'POST')}`)).toBe(2);
    expect(value(text, `arbiter_responses_total${at('/v1/actions', 'GET')}`)).toBe(1);
  });

  it('reports TPS as the average over the last 10 whole seconds, the current second left out', async () => {
    let now = 1_000_000_300; // 300 ms into a second
    const metrics = createMetrics({ defaultMetrics: false, clock: () => now });
    for (let i = 0; i < 20; i++) metrics.request('/v1/decisions', 'POST');
    for (let i = 0; i < 15; i++) metrics.response('/v1/decisions', 'POST', 200, 1);
    const tps = async () => {
      const text = await metrics.registry.metrics();
      const on = at('/v1/decisions', 'POST');
      return [value(text, `arbiter_request_tps${on}`), value(text, `arbiter_response_tps${on}`)];
    };
    expect(await tps()).toEqual([0, 0]); // the second is not over yet
    now += 1_000;
    expect(await tps()).toEqual([2, 1.5]);
    now += 9_000;
    expect(await tps()).toEqual([2, 1.5]); // still inside the 10 s window
    now += 1_000;
    expect(await tps()).toEqual([0, 0]); // slid out
  });
});

describe('action and decision KPIs', () => {
  it('counts offers made and accepted per action, and the uptake rate', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.decision(decision(['roaming-pass', 'data-topup']));
    metrics.decision(decision(['roaming-pass']));
    metrics.decision(decision(['roaming-pass', 'plan-upgrade']));
    metrics.decision(decision(['roaming-pass']));
    metrics.outcome('roaming-pass', 'impression');
    metrics.outcome('roaming-pass', 'accept');
    metrics.outcome('data-topup', 'reject');
    const text = await metrics.registry.metrics();
    expect(value(text, 'arbiter_action_offers_total{action="roaming-pass"}')).toBe(4);
    expect(value(text, 'arbiter_action_accepted_total{action="roaming-pass"}')).toBe(1);
    expect(value(text, 'arbiter_action_uptake_rate{action="roaming-pass"}')).toBe(0.25);
    expect(value(text, 'arbiter_action_uptake_rate{action="data-topup"}')).toBe(0);
    expect(value(text, 'arbiter_action_outcomes_total{action="data-topup",outcome="reject"}')).toBe(1);
    expect(value(text, 'arbiter_decisions_total{channel="app"}')).toBe(4);
  });

  it('observes every stage timing of a decision in seconds, and counts degraded reasons', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.decision(decision(['a'], { profile: 0.02, scoring: 0.3, total: 0.4 }, ['PROFILE_FROM_CACHE']));
    metrics.decision(decision(['a'], { profile: 0.01, scoring: 4, total: 4.2 }));
    const text = await metrics.registry.metrics();
    expect(value(text, 'arbiter_decision_stage_seconds_count{stage="scoring"}')).toBe(2);
    expect(value(text, 'arbiter_decision_stage_seconds_sum{stage="scoring"}')).toBeCloseTo(0.0043, 9);
    expect(value(text, 'arbiter_decision_stage_seconds_bucket{le="0.0005",stage="scoring"}')).toBe(1);
    expect(value(text, 'arbiter_decision_stage_seconds_bucket{le="+Inf",stage="total"}')).toBe(2);
    expect(value(text, 'arbiter_decisions_degraded_total{reason="PROFILE_FROM_CACHE"}')).toBe(1);
  });

  it('folds labels past maxLabelValues into _other, so a misuse cannot grow the series without bound', async () => {
    const metrics = createMetrics({ defaultMetrics: false, maxLabelValues: 2 });
    metrics.decision(decision(['a', 'b', 'c', 'd']));
    const text = await metrics.registry.metrics();
    expect(text.match(/^arbiter_action_offers_total\{/gm)).toHaveLength(3);
    expect(value(text, 'arbiter_action_offers_total{action="_other"}')).toBe(2);
  });
});

describe('metricsPlugin', () => {
  async function app() {
    const metrics = createMetrics({ defaultMetrics: false });
    const fastify = Fastify();
    await fastify.register(metricsPlugin, { metrics });
    fastify.get('/v1/subscribers/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    fastify.post('/v1/decisions', async (request, reply) =>
      (request.body as { channel?: string }).channel
        ? { ok: true }
        : reply.code(400).send({ error: { code: 'INVALID_REQUEST' } }),
    );
    fastify.get('/boom', async () => {
      throw new Error('boom');
    });
    return { fastify, metrics };
  }

  it('labels requests with the route pattern and method, not the raw URL', async () => {
    const { fastify } = await app();
    await fastify.inject({ method: 'GET', url: '/v1/subscribers/SUB-1' });
    await fastify.inject({ method: 'GET', url: '/v1/subscribers/SUB-2?x=1' });
    await fastify.inject({ method: 'POST', url: '/v1/decisions', payload: { channel: 'app' } });
    await fastify.inject({ method: 'POST', url: '/v1/decisions', payload: {} });
    await fastify.inject({ method: 'GET', url: '/boom' });
    await fastify.inject({ method: 'GET', url: '/no/such/route' });
    const response = await fastify.inject({ method: 'GET', url: '/metrics' });
    const text = response.body;
    expect(value(text, `arbiter_requests_total${at('/v1/subscribers/:id', 'GET')}`)).toBe(2);
    expect(text).not.toContain('SUB-1');
    expect(value(text, `arbiter_responses_success_total${at('/v1/decisions', 'POST')}`)).toBe(1);
    expect(value(text, `arbiter_responses_rejected_total${at('/v1/decisions', 'POST')}`)).toBe(1);
    expect(value(text, `arbiter_responses_failed_total${at('/boom', 'GET')}`)).toBe(1);
    expect(value(text, `arbiter_responses_rejected_total${at('(unmatched)', 'GET')}`)).toBe(1);
    await fastify.close();
  });

  it('serves GET /metrics as Prometheus text: HELP and TYPE for every metric, one well-formed sample a line', async () => {
    const { fastify, metrics } = await app();
    metrics.decision(decision(['a'], { total: 1 }));
    await fastify.inject({ method: 'GET', url: '/v1/subscribers/SUB-1' });
    const response = await fastify.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = response.body.split('\n').filter((l) => l !== '');
    const typed = new Set(lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const name of ['arbiter_requests_total', 'arbiter_request_tps', 'arbiter_action_uptake_rate']) {
      expect(typed).toContain(name);
    }
    expect(response.body).toContain('# TYPE arbiter_requests_total counter');
    expect(response.body).toContain('# TYPE arbiter_response_time_max_seconds gauge');
    expect(response.body).toContain('# TYPE arbiter_decision_stage_seconds histogram');
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)$/;
    for (const line of lines.filter((l) => !l.startsWith('#'))) expect(line).toMatch(sample);
    await fastify.close();
  });

  it('adds process metrics by default', async () => {
    const metrics = createMetrics();
    expect(await metrics.registry.metrics()).toContain('process_cpu_seconds_total');
  });
});
