// Liveness and readiness: GET /health (the process answers) and GET /ready (config loaded, stores answering).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ready } from '../../handlers/readiness.js';
import { send } from '../reply.js';
import { errorResponses } from '../schemas/common.js';
import { HealthSchema, ReadySchema } from '../schemas/health-schemas.js';
import type { DataRouteOptions } from './decision-routes.js';

/**
 * @example await app.register(healthRoutes, { runtime });
 */
export const healthRoutes: FastifyPluginAsync<DataRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/health',
    { schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: HealthSchema } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: config loaded, stores answering, not shutting down',
        tags: ['health'],
        response: { 200: ReadySchema, ...errorResponses },
      },
    },
    async (_request, reply) => send(reply, await ready(runtime)),
  );
};
