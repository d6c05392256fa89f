// The campaign routes through app.inject() and a real loopback socket: roles (a real run needs admin), 202/404/409,
// a run's progress and report, server-sent events in order ending with the report, the audit log, and the SDK.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboundMessage } from '@arbiter/engine';
import * as Sdk from '@arbiter/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import { campaignService, createCampaignService, type RunView } from '../src/campaigns/campaign-service.js';
import type { CampaignSummary } from '../src/campaigns/campaign-summary.js';
import { listRuns } from '../src/campaigns/run-store.js';
import type { RunProgress, RunReport, WorkSource } from '../src/campaigns/run-types.js';
import { storeSource } from '../src/campaigns/store-source.js';
import { buildApp } from '../src/http/app.js';
import type { RunStarted } from '../src/http/schemas/campaign-schemas.js';
import { createRuntime, type Runtime } from '../src/runtime/runtime.js';
import type { Role } from '../src/security/roles.js';
import { NOW, RULES } from './http-fixture.js';

const FIBER = 'fiber-upgrade-autumn';

let runtime: Runtime;
let app: FastifyInstance;
let runsDir: string;
let url: string;
const keys = {} as Record<Role, string>;
const sent: OutboundMessage[] = [];
/** Every run's source waits for this before each chunk: a test holds it to keep a run live. */
let hold: Promise<void> = Promise.resolve();
let release = () => {};
const holdRuns = () => {
  hold = new Promise((resolve) => {
    release = resolve;
  });
};

/** The store source, slowed (a chunk each 60 ms, after `hold`), so a run lasts long enough to watch. */
function heldSource(source: WorkSource): WorkSource {
  return {
    get total() {
      return source.total;
    },
    open: (position) => source.open(position),
    async next() {
      await hold;
      await new Promise((resolve) => setTimeout(resolve, 60));
      return source.next();
    },
    commit: (chunk) => source.commit(chunk),
    close: () => source.close(),
  };
}

beforeAll(async () => {
  runsDir = await mkdtemp(join(tmpdir(), 'arbiter-campaign-http-'));
  const capture = (name: string) => ({
    name,
    deliver: async (message: OutboundMessage) => {
      sent.push(message);
      return { ok: true as const };
    },
  });
  runtime = await createRuntime({
    rulesDir: RULES,
    population: { count: 200, seed: 42 },
    clock: () => NOW,
    channels: [capture('sms'), capture('push'), capture('email')],
    logger: { info() {}, warn() {}, error() {} },
  });
  campaignService(runtime, {
    runsDir,
    workers: 0,
    start: (deps, options) =>
      startCampaignRun(deps, {
        ...options,
        source: heldSource(storeSource(deps.profiles, deps.history, { chunkSize: 50 })),
      }),
  });
  app = await buildApp(runtime, { logger: false });
  for (const role of ['channel', 'agent', 'analyst', 'admin'] as const)
    keys[role] = runtime.keys.create(role, `${role} key`).key;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  release();
  await app?.close();
  await runtime?.close();
  await rm(runsDir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST', path: string, role: Role | null, body?: object) =>
  app.inject({
    method,
    url: path,
    headers: role === null ? {} : { 'x-api-key': keys[role] },
    ...(body === undefined ? {} : { payload: body }),
  });

/** Polls the run until it has a report. */
async function finished(runId: string): Promise<RunView> {
  for (let i = 0; i < 400; i++) {
    const view = (await call('GET', `/v1/campaigns/runs/${runId}`, 'analyst')).json() as RunView;
    if (view.report) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} did not end`);
}

describe('roles', () => {
  it('analysts list, read, watch and dry-run; channel and agent keys are refused; no key is 401', async () => {
    for (const role of ['channel', 'agent'] as const) {
      expect((await call('GET', '/v1/campaigns', role)).statusCode).toBe(403);
      expect((await call('POST', `/v1/campaigns/${FIBER}/runs`, role, { dryRun: true })).statusCode).toBe(403);
      expect((await call('GET', '/v1/campaigns/runs/x', role)).statusCode).toBe(403);
      expect((await call('GET', '/v1/campaigns/runs/x/events', role)).statusCode).toBe(403);
    }
    const anonymous = await call('GET', '/v1/campaigns', null);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('AUTH_MISSING_KEY');
    expect((await call('GET', '/v1/campaigns', 'analyst')).statusCode).toBe(200);
  });

  it('a real run needs admin: an analyst asking for dryRun false (or leaving it out) gets the usual 403', async () => {
    for (const body of [{ dryRun: false }, {}]) {
      const response = await call('POST', `/v1/campaigns/${FIBER}/runs`, 'analyst', body);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: { code: 'AUTH_FORBIDDEN', message: expect.stringMatching(/needs the admin role.*analyst role/) },
      });
    }
    expect(runtime.audit.list({ action: 'campaign.' })).toHaveLength(0);
  });
});

describe('GET /v1/campaigns', () => {
  it('lists each campaign with its channel, segment, schedule, next run, limits and control group', async () => {
    const response = await call('GET', '/v1/campaigns', 'analyst');
    const body = response.json() as { configVersion: string; campaigns: CampaignSummary[] };
    expect(body.configVersion).toBe(runtime.config.current().version);
    expect(body.campaigns.map((c) => c.id)).toEqual([FIBER, 'retention-save-sms', 'handset-renewal']);
    expect(body.campaigns[0]).toMatchObject({
      channel: 'email',
      segment: 'tenureMonths >= 24 and internetService in ["dsl","none"]',
      schedule: { cron: '0 10 * * 1', timeZone: 'Europe/Amsterdam' },
      // NOW is Tuesday 24 November 2026: next Monday 10:00 in Amsterdam.
      nextRun: '2026-11-30T09:00:00.000Z',
      volumeLimit: 50_000,
      controlGroup: 0.05,
      output: 'jsonl',
    });
    expect(body.campaigns[1]?.segment).toBe('@highChurnRisk');
  });
});

describe('POST /v1/campaigns/:id/runs', () => {
  it('202 with the run id and links; a second start while it runs is 409; the list shows it live', async () => {
    holdRuns();
    const first = await call('POST', `/v1/campaigns/${FIBER}/runs`, 'analyst', { dryRun: true });
    expect(first.statusCode).toBe(202);
    const started = first.json() as RunStarted;
    expect(started).toEqual({
      runId: expect.stringMatching(/^20261124T130000Z-/),
      campaignId: FIBER,
      dryRun: true,
      links: { self: `/v1/campaigns/runs/${started.runId}`, events: `/v1/campaigns/runs/${started.runId}/events` },
    });
    expect(first.headers.location).toBe(started.links.self);

    const second = await call('POST', `/v1/campaigns/${FIBER}/runs`, 'admin', { dryRun: false });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toEqual({
      code: 'CAMPAIGN_RUN_ACTIVE',
      message: `campaign ${FIBER} has a run in progress: ${started.runId}`,
    });
    const listed = (await call('GET', '/v1/campaigns', 'analyst')).json() as { campaigns: CampaignSummary[] };
    expect(listed.campaigns[0]?.activeRun).toMatchObject({ runId: started.runId, dryRun: true });
    const live = (await call('GET', started.links.self, 'analyst')).json() as RunView;
    expect(live).toMatchObject({ runId: started.runId, live: true, dryRun: true });
    expect(live.report).toBeUndefined();

    release();
    const view = await finished(started.runId);
    expect(view).toMatchObject({ live: false, phase: 'done', report: { phase: 'done', dryRun: true } });
    expect(view.report?.counts.scanned).toBe(205);
    const after = (await call('GET', '/v1/campaigns', 'analyst')).json() as { campaigns: CampaignSummary[] };
    expect(after.campaigns[0]?.activeRun).toBeUndefined();
    expect(after.campaigns[0]?.lastRun).toMatchObject({ runId: started.runId, phase: 'done', dryRun: true });
  });

  it('404 for an unknown campaign, naming the field and the known ids', async () => {
    const response = await call('POST', '/v1/campaigns/no-such-campaign/runs', 'admin', { dryRun: true });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({
      code: 'CAMPAIGN_NOT_FOUND',
      message: `no campaign no-such-campaign; known: ${FIBER}, retention-save-sms, handset-renewal`,
      field: 'id',
    });
  });

  it('400 for a body that is not { dryRun?: boolean }', async () => {
    const wrong = await call('POST', `/v1/campaigns/${FIBER}/runs`, 'admin', { dryRun: 'yes' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'dryRun' });
    const unknown = await call('POST', `/v1/campaigns/${FIBER}/runs`, 'admin', { dryRun: true, workers: 8 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/unknown field "workers"/);
  });

  it("an admin's real run is audited, sends through the campaign's channel, and reports at the end", async () => {
    const before = sent.length;
    const response = await call('POST', '/v1/campaigns/handset-renewal/runs', 'admin', { dryRun: false });
    expect(response.statusCode).toBe(202);
    const { runId } = response.json() as RunStarted;
    expect(runtime.audit.list({ action: 'campaign.' })[0]).toMatchObject({
      who: expect.stringMatching(/^admin key \(/),
      action: 'campaign.run',
      detail: { campaignId: 'handset-renewal', runId },
    });
    const { report } = await finished(runId);
    expect(report).toMatchObject({ phase: 'done', dryRun: false, output: 'channel:email' });
    const messages = sent.slice(before);
    expect(messages.length).toBe(report?.counts.sent);
    expect(messages.length).toBeGreaterThan(0);
    expect(
      messages.every((m) => m.channel === 'email' && m.idempotencyKey.startsWith(`cmp:handset-renewal:${runId}:`)),
    ).toBe(true);
  });
});

describe('GET /v1/campaigns/runs/:runId', () => {
  it('404 for a run that is neither live nor in the runs directory', async () => {
    const response = await call('GET', '/v1/campaigns/runs/20200101T000000Z-none', 'analyst');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'CAMPAIGN_RUN_NOT_FOUND', field: 'runId' });
    const events = await call('GET', '/v1/campaigns/runs/20200101T000000Z-none/events', 'analyst');
    expect(events.statusCode).toBe(404);
  });

  it('reads a finished run back from the runs directory (another process, or this one after a restart)', async () => {
    const [stored] = (await listRuns(runsDir)).slice(-1);
    expect(stored).toBeDefined();
    // A service that never ran it: what it knows comes from the run directory.
    const fresh = createCampaignService(runtime, { runsDir });
    const view = await fresh.get(stored!.runId);
    expect(view).toMatchObject({ runId: stored!.runId, live: false, report: { phase: 'done' } });
  });
});

describe('GET /v1/campaigns/runs/:runId/events (server-sent events over a real socket)', () => {
  it('streams progress events in order and ends with the report, then closes', async () => {
    holdRuns();
    const start = await fetch(`${url}/v1/campaigns/${FIBER}/runs`, {
      method: 'POST',
      headers: { 'x-api-key': keys.analyst, 'content-type': 'application/json' },
      body: JSON.stringify({ dryRun: true }),
    });
    const { runId, links } = (await start.json()) as RunStarted;
    const response = await fetch(`${url}${links.events}`, { headers: { 'x-api-key': keys.analyst } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    release();
    const events = parseEvents(await response.text());

    const names = events.map((e) => e.event);
    expect(names.at(-1)).toBe('report');
    expect(names.slice(0, -1).every((name) => name === 'progress')).toBe(true);
    expect(names.length).toBeGreaterThanOrEqual(3);
    const progress = events.slice(0, -1).map((e) => e.data as RunProgress);
    const scanned = progress.map((p) => p.counts.scanned);
    expect(scanned).toEqual([...scanned].sort((a, b) => a - b));
    expect(progress.some((p) => p.phase === 'running' && p.counts.scanned > 0 && p.counts.scanned < 205)).toBe(true);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => String(i + 1)));
    const report = events.at(-1)?.data as RunReport;
    expect(report).toMatchObject({ runId, phase: 'done', dryRun: true, counts: { scanned: 205 } });
  });

  it('a finished run gets its report at once, and the stream ends', async () => {
    const listed = (await call('GET', '/v1/campaigns', 'analyst')).json() as { campaigns: CampaignSummary[] };
    const runId = listed.campaigns[0]!.lastRun!.runId;
    const response = await fetch(`${url}/v1/campaigns/runs/${runId}/events`, {
      headers: { 'x-api-key': keys.analyst },
    });
    const events = parseEvents(await response.text());
    expect(events.map((e) => e.event)).toEqual(['report']);
    expect(events[0]?.data).toMatchObject({ runId, phase: 'done' });
  });

  it('a watcher does not hold up a shutdown: closing the app ends open streams', async () => {
    // A second app on the same runtime closes while a stream is open on a held run.
    holdRuns();
    const second = await buildApp(runtime, { logger: false });
    await second.listen({ port: 0, host: '127.0.0.1' });
    const address = second.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const started = await call('POST', '/v1/campaigns/retention-save-sms/runs', 'analyst', { dryRun: true });
    const { links } = started.json() as RunStarted;
    const response = await fetch(`${base}${links.events}`, { headers: { 'x-api-key': keys.analyst } });
    const text = response.text();
    await second.close();
    expect(parseEvents(await text).every((e) => e.event === 'progress')).toBe(true);
    release();
    await finished(started.json().runId);
  });
});

describe('the SDK against these routes', () => {
  it('lists campaigns, starts a dry run, reads it back; a real run as an analyst is AUTH_FORBIDDEN', async () => {
    const analyst = Sdk.createClient({ baseUrl: url, apiKey: keys.analyst });
    const list = await analyst.listCampaigns();
    expect(list.campaigns.map((c) => c.id)).toContain(FIBER);
    const started = await analyst.startCampaignRun('retention-save-sms', { dryRun: true });
    expect(started).toMatchObject({ campaignId: 'retention-save-sms', dryRun: true });
    await finished(started.runId);
    const run = await analyst.getCampaignRun(started.runId);
    expect(run.report?.phase).toBe('done');
    await expect(analyst.startCampaignRun(FIBER)).rejects.toMatchObject({ code: 'AUTH_FORBIDDEN', status: 403 });
    await expect(analyst.getCampaignRun('20200101T000000Z-none')).rejects.toMatchObject({
      code: 'CAMPAIGN_RUN_NOT_FOUND',
      status: Sdk.serverErrorCodes.CAMPAIGN_RUN_NOT_FOUND,
    });
  });

  it("declares the server's answers as the server sends them", () => {
    expectTypeOf<RunProgress>().toExtend<Sdk.CampaignRunProgress>();
    expectTypeOf<RunReport>().toExtend<Sdk.CampaignRunReport>();
    expectTypeOf<CampaignSummary>().toExtend<Sdk.CampaignSummary>();
    expectTypeOf<RunView & { links: Sdk.CampaignRunLinks }>().toExtend<Sdk.CampaignRunView>();
    expectTypeOf<RunStarted>().toExtend<Sdk.CampaignRunStarted>();
  });
});

describe('OpenAPI', () => {
  it('documents the four campaign routes with their role', async () => {
    const doc = (await call('GET', '/docs/json', null)).json();
    for (const [method, path] of [
      ['get', '/v1/campaigns'],
      ['post', '/v1/campaigns/{id}/runs'],
      ['get', '/v1/campaigns/runs/{runId}'],
      ['get', '/v1/campaigns/runs/{runId}/events'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.description).toContain('role `analyst`');
      expect(operation.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    }
    const body = doc.paths['/v1/campaigns/{id}/runs'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['dryRun']);
  });
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: unknown;
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') event.id = value;
        if (field === 'event') event.event = value;
        if (field === 'data') event.data = JSON.parse(value);
      }
      return event;
    });
}
