// Read routes: GET /v1/subscribers/:id (agent, the 360 view) and GET /v1/actions (channel, the catalog).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { getSubscriber } from '../../handlers/get-subscriber.js';
import { listActions } from '../../handlers/list-actions.js';
import { send } from '../reply.js';
import { errorResponses } from '../schemas/common.js';
import {
  ActionCatalogSchema,
  ActionsQuerySchema,
  SubscriberParamsSchema,
  SubscriberViewSchema,
} from '../schemas/subscriber-schemas.js';
import type { DataRouteOptions } from './decision-routes.js';

/**
 * @example await app.register(subscriberRoutes, { runtime });
 */
export const subscriberRoutes: FastifyPluginAsync<DataRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/subscribers/:id',
    {
      config: { role: 'agent' },
      schema: {
        summary: 'The subscriber 360 view: profile, features, recent decisions, contact history',
        tags: ['subscribers'],
        params: SubscriberParamsSchema,
        response: { 200: SubscriberViewSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      send(reply, await getSubscriber(runtime, { subscriberId: request.params.id }, request.caller)),
  );

  app.get(
    '/v1/actions',
    {
      config: { role: 'channel' },
      schema: {
        summary: 'The action catalog of the running config',
        tags: ['actions'],
        querystring: ActionsQuerySchema,
        response: { 200: ActionCatalogSchema, ...errorResponses },
      },
    },
    async (request, reply) => send(reply, await listActions(runtime, request.query, request.caller)),
  );
};
