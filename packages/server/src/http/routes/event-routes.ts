// Event and outcome routes: POST /v1/events and POST /v1/outcomes (channel), each a call to its handler.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ingestEvent } from '../../handlers/ingest-event.js';
import { recordOutcome } from '../../handlers/record-outcome.js';
import { send } from '../reply.js';
import { errorResponses } from '../schemas/common.js';
import {
  EventSchema,
  IngestAnswerSchema,
  OutcomeAnswerSchema,
  OutcomeRequestSchema,
} from '../schemas/event-schemas.js';
import type { DataRouteOptions } from './decision-routes.js';

/**
 * @example await app.register(eventRoutes, { runtime });
 */
export const eventRoutes: FastifyPluginAsync<DataRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/events',
    {
      config: { role: 'channel' },
      schema: {
        summary: "Apply an event to the subscriber's features and run the triggers it fires",
        description:
          'Deduplicated by `id`: a retry is answered `duplicate: true` and changes nothing. Events more than ' +
          'features.yaml `lateness` old are refused (EVENT_TOO_LATE). Agent streams subscribed to the subscriber ' +
          'get fresh recommendations.',
        tags: ['events'],
        body: EventSchema,
        response: { 202: IngestAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => send(reply, await ingestEvent(runtime, request.body, request.caller)),
  );

  app.post(
    '/v1/outcomes',
    {
      config: { role: 'channel' },
      schema: {
        summary: 'Report an impression, click, accept, reject or convert against a decision',
        description: 'Recorded in contact history, so caps, cooldowns and suppression apply to the next decision.',
        tags: ['events'],
        body: OutcomeRequestSchema,
        response: { 202: OutcomeAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => send(reply, await recordOutcome(runtime, request.body, request.caller)),
  );
};
