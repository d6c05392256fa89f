// The campaign calls of the SDK against a scripted server: routes, bodies, typed errors, and which calls retry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArbiterNetworkError, type ClientOptions, createClient, isArbiterError } from '../src/index.js';
import { type FakeHttp, fakeHttp } from './fake-servers.js';

const KEY = 'ak_test_secret';
const links = { self: '/v1/campaigns/runs/r-1', events: '/v1/campaigns/runs/r-1/events' };
const started = { runId: 'r-1', campaignId: 'fiber-upgrade', dryRun: true, links };

let server: FakeHttp;
beforeEach(async () => {
  server = await fakeHttp();
});
afterEach(() => server.close());

const client = (options: Partial<ClientOptions> = {}) =>
  createClient({ baseUrl: server.url, apiKey: KEY, retryBaseMs: 1, retryMaxMs: 2, ...options });

describe('campaign calls', () => {
  it('each goes to its route; a start posts dryRun (false unless asked)', async () => {
    const arbiter = client();
    server.script({ status: 200, body: { configVersion: 'v1', campaigns: [] } });
    expect(await arbiter.listCampaigns()).toEqual({ configVersion: 'v1', campaigns: [] });
    server.script({ status: 202, body: started });
    expect(await arbiter.startCampaignRun('fiber-upgrade', { dryRun: true })).toEqual(started);
    await arbiter.startCampaignRun('fiber/upgrade');
    server.script({ status: 200, body: { runId: 'r 1' } });
    await arbiter.getCampaignRun('r 1');
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/campaigns',
      'POST /v1/campaigns/fiber-upgrade/runs',
      'POST /v1/campaigns/fiber%2Fupgrade/runs',
      'GET /v1/campaigns/runs/r%201',
    ]);
    expect(JSON.parse(server.seen[1]?.body ?? '')).toEqual({ dryRun: true });
    expect(JSON.parse(server.seen[2]?.body ?? '')).toEqual({ dryRun: false });
  });

  it('a refused start is typed by its code', async () => {
    server.script({
      status: 409,
      body: { error: { code: 'CAMPAIGN_RUN_ACTIVE', message: 'campaign fiber-upgrade has a run in progress: r-0' } },
    });
    const error = await client()
      .startCampaignRun('fiber-upgrade', { dryRun: true })
      .catch((e: unknown) => e);
    expect(isArbiterError(error, 'CAMPAIGN_RUN_ACTIVE')).toBe(true);
    expect(error).toMatchObject({ status: 409 });
    server.script({
      status: 404,
      body: { error: { code: 'CAMPAIGN_NOT_FOUND', message: 'no campaign x; known: a, b', field: 'id' } },
    });
    await expect(client().startCampaignRun('x')).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', field: 'id' });
  });

  it('a start is not retried (a lost answer may have started the run); reads are', async () => {
    server.script('drop');
    await expect(client().startCampaignRun('fiber-upgrade', { dryRun: true })).rejects.toBeInstanceOf(
      ArbiterNetworkError,
    );
    expect(server.seen).toHaveLength(1);
    server.script(
      { status: 503, body: { error: { code: 'NOT_READY', message: 'starting' } } },
      { status: 200, body: {} },
    );
    await client().getCampaignRun('r-1');
    server.script(
      { status: 503, body: { error: { code: 'NOT_READY', message: 'starting' } } },
      { status: 200, body: {} },
    );
    await client().listCampaigns();
    expect(server.seen).toHaveLength(5);
  });
});
