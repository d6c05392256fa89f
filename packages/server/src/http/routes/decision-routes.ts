// Decision routes: POST /v1/decisions (channel) and POST /v1/simulate (analyst), each a call to its handler.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { decide } from '../../handlers/decide.js';
import { simulate } from '../../handlers/simulate.js';
import type { Runtime } from '../../runtime/runtime.js';
import { plainJson, send } from '../reply.js';
import { errorResponses } from '../schemas/common.js';
import { DecisionRequestSchema, DecisionSchema, SimulateRequestSchema } from '../schemas/decision-schemas.js';

/** Options of every data-plane route plugin. */
export interface DataRouteOptions {
  runtime: Runtime;
}

/**
 * POST /v1/decisions as data: the HTTP port serves it below, the stream port too (over uWS HTTP,
 * src/ws/uws-http.ts), with the same role, body schema and handler.
 */
export const decideRoute = {
  url: '/v1/decisions',
  role: 'channel',
  body: DecisionRequestSchema,
  handler: decide,
} as const;

/**
 * @example await app.register(decisionRoutes, { runtime });
 */
export const decisionRoutes: FastifyPluginAsync<DataRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    decideRoute.url,
    {
      config: { role: decideRoute.role },
      serializerCompiler: plainJson,
      schema: {
        summary: 'Decide the next best actions for a subscriber on a channel',
        description:
          'Give `subscriberId` (looked up in the profile store) or an inline `profile`. With `explain: true` the ' +
          'answer has the funnel: every action, the stage it stopped at, and why. Report what happened next with ' +
          'POST /v1/outcomes.',
        tags: ['decisions'],
        body: decideRoute.body,
        response: { 200: DecisionSchema, ...errorResponses },
      },
    },
    async (request, reply) => send(reply, await decideRoute.handler(runtime, request.body, request.caller)),
  );

  app.post(
    '/v1/simulate',
    {
      config: { role: 'analyst' },
      schema: {
        summary: 'An explained decision that records nothing',
        description:
          'With an inline `profile`, the decision sees an empty contact history; with a `subscriberId`, the stored ' +
          'profile and contact history (read only). Nothing is written: no decision log, contact or recent decision.',
        tags: ['decisions'],
        body: SimulateRequestSchema,
        response: { 200: DecisionSchema, ...errorResponses },
      },
    },
    async (request, reply) => send(reply, await simulate(runtime, request.body, request.caller)),
  );
};
