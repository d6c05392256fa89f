// The audit log route (admin): config changes and admin actions, newest first.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AdminRouteOptions } from '../../admin/admin-runtime.js';
import { authErrorResponses } from '../../admin/admin-schemas.js';

const AuditEntrySchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  who: Type.String(),
  action: Type.String(),
  before: Type.Optional(Type.String()),
  after: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/**
 * GET /v1/audit?limit=100&action=config.
 * @example await app.register(auditRoutes, { runtime });
 */
export const auditRoutes: FastifyPluginAsync<AdminRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/audit',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Config changes and admin actions: who, what, when, before and after versions; newest first',
        tags: ['audit'],
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            action: Type.Optional(
              Type.String({ maxLength: 64, description: 'only actions starting with this (config., key.revoke)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }), ...authErrorResponses },
      },
    },
    async (request) => ({ entries: runtime.audit.list({ limit: request.query.limit, action: request.query.action }) }),
  );
};
