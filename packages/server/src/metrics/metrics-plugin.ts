// Fastify hooks that count every request per route pattern and method, and GET /metrics in Prometheus text format.
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.js';

export interface MetricsPluginOptions {
  metrics: Metrics;
  /** Where the Prometheus text is served. Default /metrics. */
  path?: string;
}

/** The endpoint label of a request no route matched: raw URLs would make a series per scanned path. */
export const UNMATCHED_ROUTE = '(unmatched)';

const plugin: FastifyPluginCallback<MetricsPluginOptions> = (app, options, done) => {
  const { metrics } = options;
  const path = options.path ?? '/metrics';
  // Sync hooks with done(): an async hook costs a promise per request on the hottest path.
  app.addHook('onRequest', (request, _reply, next) => {
    metrics.request(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method);
    next();
  });
  app.addHook('onResponse', (request, reply, next) => {
    metrics.response(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime);
    next();
  });
  app.get(path, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  done();
};

/**
 * Registers the hooks on the whole app (fastify-plugin: not encapsulated) and the metrics route.
 *
 * @example
 * await app.register(metricsPlugin, { metrics: createMetrics() });
 */
export const metricsPlugin = fp(plugin, { name: 'arbiter-metrics', fastify: '5.x' });
