// Config routes: the running config and the versions kept (analyst); reload and rollback (admin).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AdminRouteOptions } from '../../admin/admin-runtime.js';
import { authErrorResponses, ErrorBodySchema } from '../../admin/admin-schemas.js';
import { configManagerErrorStatus } from '../../config-manager/config-manager-errors.js';
import { callerLabel } from '../../security/caller.js';

const VersionSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z._-]+$' });

const ConfigVersionSchema = Type.Object({
  version: Type.String(),
  loadedAt: Type.String({ format: 'date-time' }),
  files: Type.Array(Type.String()),
  current: Type.Boolean(),
});

const CurrentConfigSchema = Type.Object({
  version: Type.String({ description: 'content hash of every file and model; every decision records it' }),
  loadedAt: Type.String({ format: 'date-time' }),
  files: Type.Array(Type.String()),
  actions: Type.Integer({ description: 'actions in the catalog' }),
  channels: Type.Array(Type.String()),
  models: Type.Array(Type.String()),
  triggers: Type.Integer(),
  sources: Type.Optional(Type.Unknown({ description: 'the validated files, defaults applied (with ?sources=true)' })),
});

/**
 * GET /v1/config, GET /v1/config/versions, POST /v1/config/reload, POST /v1/config/rollback.
 * @example await app.register(configRoutes, { runtime });
 */
export const configRoutes: FastifyPluginAsync<AdminRouteOptions> = async (fastify, { runtime }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/config',
    {
      config: { role: 'analyst' },
      schema: {
        summary: 'The running config: version, files, what it holds',
        tags: ['config'],
        querystring: Type.Object(
          { sources: Type.Optional(Type.Boolean({ description: 'include the validated files' })) },
          { additionalProperties: false },
        ),
        response: { 200: CurrentConfigSchema, ...authErrorResponses },
      },
    },
    async (request) => {
      // One read: every field below describes the same snapshot, even if a reload lands meanwhile.
      const config = runtime.config.current();
      const kept = runtime.config.versions().find((v) => v.version === config.version);
      return {
        version: config.version,
        loadedAt: kept?.loadedAt ?? '',
        files: [...config.files],
        actions: config.actions.length,
        channels: [...config.channels],
        models: [...config.models.keys()],
        triggers: config.triggers.length,
        ...(request.query.sources ? { sources: config.sources } : {}),
      };
    },
  );

  app.get(
    '/v1/config/versions',
    {
      config: { role: 'analyst' },
      schema: {
        summary: 'The versions kept for rollback, the running one first',
        tags: ['config'],
        response: { 200: Type.Object({ versions: Type.Array(ConfigVersionSchema) }), ...authErrorResponses },
      },
    },
    async () => ({ versions: runtime.config.versions().map((v) => ({ ...v, files: [...v.files] })) }),
  );

  app.post(
    '/v1/config/reload',
    {
      config: { role: 'admin' },
      schema: {
        summary:
          'Validate the rules directory and swap it in; a bad file keeps the running config (422, every problem)',
        tags: ['config'],
        response: {
          200: Type.Object({ version: Type.String(), previous: Type.String(), changed: Type.Boolean() }),
          422: ErrorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await runtime.config.reload(callerLabel(request.caller));
      if (result.ok) return { version: result.version, previous: result.previous, changed: result.changed };
      const count = result.problems.length;
      return reply.code(configManagerErrorStatus.CONFIG_INVALID).send({
        error: {
          code: 'CONFIG_INVALID',
          message: `the rules directory has ${count} problem${count === 1 ? '' : 's'}; the running config is kept`,
          problems: [...result.problems],
        },
      });
    },
  );

  app.post(
    '/v1/config/rollback',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Swap back to a kept version',
        tags: ['config'],
        body: Type.Object({ version: VersionSchema }, { additionalProperties: false }),
        response: {
          200: Type.Object({ version: Type.String(), previous: Type.String() }),
          404: ErrorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { version } = request.body;
      const result = await runtime.config.rollback(version, callerLabel(request.caller));
      if (result.ok) return { version: result.version, previous: result.previous };
      return reply.code(configManagerErrorStatus[result.code]).send({
        error: {
          code: result.code,
          message: `version ${version} is not among the versions kept (GET /v1/config/versions)`,
          field: 'version',
        },
      });
    },
  );
};
