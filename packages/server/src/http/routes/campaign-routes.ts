// Campaign routes: the campaigns with their next and last runs, starting a run (a dry run: analyst; a real one:
// admin, audited), a run's progress or report, and its progress as server-sent events.
import type { OutgoingHttpHeaders } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { authErrorResponses, ErrorBodySchema } from '../../admin/admin-schemas.js';
import { type CampaignRuntime, campaignService } from '../../campaigns/campaign-service.js';
import { campaignErrorStatus } from '../../campaigns/campaign-service-errors.js';
import type { RunProgress, RunReport } from '../../campaigns/run-types.js';
import { authErrorStatus } from '../../security/auth-errors.js';
import { checkRole } from '../../security/authorize.js';
import { callerLabel } from '../../security/caller.js';
import {
  CampaignListSchema,
  CampaignParamsSchema,
  type RunLinks,
  RunParamsSchema,
  RunStartedSchema,
  RunViewSchema,
  StartRunBodySchema,
} from '../schemas/campaign-schemas.js';

export interface CampaignRouteOptions {
  runtime: CampaignRuntime;
  /** A comment line this often keeps idle event streams open through proxies (default 15 s). */
  heartbeatMs?: number;
}

const links = (runId: string): RunLinks => {
  const self = `/v1/campaigns/runs/${encodeURIComponent(runId)}`;
  return { self, events: `${self}/events` };
};

function runNotFound(reply: FastifyReply, runId: string) {
  return reply.code(campaignErrorStatus.CAMPAIGN_RUN_NOT_FOUND).send({
    error: { code: 'CAMPAIGN_RUN_NOT_FOUND', message: `no campaign run ${runId}`, field: 'runId' },
  });
}

/**
 * GET /v1/campaigns, POST /v1/campaigns/:id/runs, GET /v1/campaigns/runs/:runId, GET /v1/campaigns/runs/:runId/events.
 * @example await app.register(campaignRoutes, { runtime });
 */
export const campaignRoutes: FastifyPluginAsync<CampaignRouteOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const campaigns = campaignService(options.runtime);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  /** Open event streams: ended when the server closes, so a watcher never holds up a shutdown. */
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/v1/campaigns',
    {
      config: { role: 'analyst' },
      schema: {
        summary: 'The campaigns of the running config, with their next scheduled start and their live and last runs',
        tags: ['campaigns'],
        response: { 200: CampaignListSchema, ...authErrorResponses },
      },
    },
    async () => ({ configVersion: options.runtime.config.current().version, campaigns: await campaigns.list() }),
  );

  app.post(
    '/v1/campaigns/:id/runs',
    {
      config: { role: 'analyst' },
      schema: {
        summary: 'Start a run of a campaign (202 with its id); a dry run decides and writes results, sends nothing',
        description:
          'A dry run (`dryRun: true`) needs the analyst role; a real run needs admin and is audited. At most one ' +
          'run per campaign at a time (409 CAMPAIGN_RUN_ACTIVE), across the servers sharing Redis stores too (503 ' +
          'CAMPAIGN_LEASE_UNAVAILABLE when Redis cannot say). Follow it at `links.self` or `links.events`.',
        tags: ['campaigns'],
        params: CampaignParamsSchema,
        body: StartRunBodySchema,
        response: {
          202: RunStartedSchema,
          404: ErrorBodySchema,
          409: ErrorBodySchema,
          503: ErrorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const dryRun = request.body.dryRun ?? false;
      const caller = request.caller;
      // The route lets analysts in (dry runs); a real run is checked here, with the auth plugin's refusal.
      if (!caller || (!dryRun && checkRole(caller, 'admin'))) {
        const role = caller?.role ?? 'no';
        return reply.code(authErrorStatus.AUTH_FORBIDDEN).send({
          error: {
            code: 'AUTH_FORBIDDEN',
            message: `a real run needs the admin role (a dry run, dryRun: true, needs analyst); the key has the ${role} role`,
          },
        });
      }
      const started = await campaigns.start(id, { dryRun, by: callerLabel(caller) });
      if (!started.ok) {
        const { code, message, field } = started;
        return reply
          .code(campaignErrorStatus[code])
          .send({ error: { code, message, ...(field === undefined ? {} : { field }) } });
      }
      const runLinks = links(started.runId);
      return reply
        .code(202)
        .header('location', runLinks.self)
        .send({ runId: started.runId, campaignId: started.campaignId, dryRun, links: runLinks });
    },
  );

  app.get(
    '/v1/campaigns/runs/:runId',
    {
      config: { role: 'analyst' },
      schema: {
        summary: "A run's progress (live) or its report (finished), from this server or its runs directory",
        tags: ['campaigns'],
        params: RunParamsSchema,
        response: { 200: RunViewSchema, 404: ErrorBodySchema, ...authErrorResponses },
      },
    },
    async (request, reply) => {
      const view = await campaigns.get(request.params.runId);
      if (!view) return runNotFound(reply, request.params.runId);
      return { ...view, links: links(view.runId) };
    },
  );

  app.get(
    '/v1/campaigns/runs/:runId/events',
    {
      config: { role: 'analyst' },
      schema: {
        summary: "A run's progress as server-sent events: `progress` events, then one `report` event, then the end",
        description:
          '`text/event-stream`. Each `progress` event carries a CampaignRunProgress as JSON, the final `report` ' +
          'event a CampaignRunReport; a finished run gets its report at once. Comment lines keep an idle stream open.',
        tags: ['campaigns'],
        params: RunParamsSchema,
        produces: ['text/event-stream'],
        response: {
          200: Type.String({ description: 'event: progress|report, data: JSON' }),
          404: ErrorBodySchema,
          ...authErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      if (!(await campaigns.get(runId))) return runNotFound(reply, runId);
      reply.hijack();
      const raw = reply.raw;
      // Headers set by hooks so far (CORS, rate limit) go out too: a hijacked reply sends only what is written here.
      const set = Object.entries(reply.getHeaders()).filter((header) => header[1] !== undefined);
      raw.writeHead(200, {
        ...(Object.fromEntries(set) as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let seq = 0;
      let ended = false;
      let stop: (() => void) | undefined;
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
      heartbeat.unref();
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        stop?.();
        streams.delete(end);
        raw.end();
      };
      const event = (name: string, data: RunProgress | RunReport) => {
        if (!ended) raw.write(`id: ${++seq}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      streams.add(end);
      raw.on('close', end);
      stop = await campaigns.watch(runId, {
        progress: (progress) => event('progress', progress),
        report: (report) => {
          event('report', report);
          end();
        },
      });
      if (!stop) end();
      else if (ended) stop();
    },
  );
};
