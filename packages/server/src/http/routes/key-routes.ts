// API key routes (admin): list, create (the secret is in the response, once), revoke. Each change is audited.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AdminRouteOptions } from '../../admin/admin-runtime.js';
import { authErrorResponses, ErrorBodySchema, RoleSchema } from '../../admin/admin-schemas.js';
import { authErrorStatus } from '../../security/auth-errors.js';
import { callerLabel } from '../../security/caller.js';

const KeyInfoSchema = Type.Object({
  id: Type.String(),
  role: RoleSchema,
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

/**
 * GET /v1/keys, POST /v1/keys, DELETE /v1/keys/:id.
 * @example await app.register(keyRoutes, { runtime });
 */
export const keyRoutes: FastifyPluginAsync<AdminRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/keys',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Every API key, without secrets',
        tags: ['keys'],
        response: { 200: Type.Object({ keys: Type.Array(KeyInfoSchema) }), ...authErrorResponses },
      },
    },
    async () => ({ keys: runtime.keys.list() }),
  );

  app.post(
    '/v1/keys',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Create a key; the response is the only time its secret is shown',
        tags: ['keys'],
        body: Type.Object(
          { role: RoleSchema, name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...KeyInfoSchema.properties,
            key: Type.String({ description: 'ak_<id>_<secret>: store it now, it cannot be shown again' }),
          }),
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { role, name } = request.body;
      const created = runtime.keys.create(role, name.trim());
      runtime.audit.record({
        who: callerLabel(request.caller),
        action: 'key.create',
        detail: { id: created.id, role, name: created.name },
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/v1/keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Revoke a key at once',
        tags: ['keys'],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-z]{4,32}$' }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 404: ErrorBodySchema, ...authErrorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const key = runtime.keys.get(id);
      if (!key || !runtime.keys.revoke(id)) {
        return reply.code(authErrorStatus.KEY_NOT_FOUND).send({
          error: { code: 'KEY_NOT_FOUND', message: `no API key with id ${id}`, field: 'id' },
        });
      }
      runtime.audit.record({
        who: callerLabel(request.caller),
        action: 'key.revoke',
        detail: { id, role: key.role, name: key.name },
      });
      return reply.code(204).send(null);
    },
  );
};
