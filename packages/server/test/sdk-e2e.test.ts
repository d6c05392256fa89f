// The SDK against the real server (startServer on loopback): every call, typed errors, and a live stream subscription.
// Also keeps the SDK's re-declared types and error codes in step with what the server answers.
import { fileURLToPath } from 'node:url';
import {
  type ArbiterClient,
  ArbiterError,
  type ClientOptions,
  createClient,
  type Decision,
  type EventAccepted,
  isArbiterError,
  type ActionCatalog as SdkActionCatalog,
  type SubscriberView as SdkSubscriberView,
  serverErrorCodes,
} from '@arbiter/sdk';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import { campaignErrorStatus } from '../src/campaigns/campaign-service-errors.js';
import type { ActionCatalog, IngestAnswer, SubscriberView } from '../src/handlers/index.js';
import { errorStatus } from '../src/http/errors.js';
import { type RunningServer, startServer } from '../src/serve.js';
import { streamErrorStatus } from '../src/ws/stream-errors.js';

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
const SUBSCRIBER = 'SUB-00000001';

let server: RunningServer;
let agent: ArbiterClient;
let keyOf: (role: string) => string;

beforeAll(async () => {
  server = await startServer({
    rulesDir: RULES,
    port: 0,
    population: { count: 200, seed: 7 },
    apiKeys: 'demo',
    logger: false,
    watch: false,
  });
  keyOf = (role) => server.keys.find((k) => k.role === role)!.key;
  agent = client('agent');
});
afterAll(async () => {
  agent?.close();
  await server?.close();
});

function client(role: string, options: Partial<ClientOptions> = {}) {
  return createClient({ baseUrl: server.url, wsUrl: server.wsUrl, apiKey: keyOf(role), WebSocket, ...options });
}

describe('the SDK against the real server', () => {
  it('decides, records an outcome, and finds both in the subscriber view', async () => {
    const decision = await agent.decide({ subscriberId: SUBSCRIBER, channel: 'agent', limit: 2 });
    expect(decision).toMatchObject({ subscriberId: SUBSCRIBER, channel: 'agent' });
    expect(decision.actions.length).toBeGreaterThan(0);
    const [first] = decision.actions;
    await agent.recordOutcome({ decisionId: decision.decisionId, actionId: first!.actionId, outcome: 'impression' });

    const view = await agent.getSubscriber(SUBSCRIBER);
    expect(view.subscriberId).toBe(SUBSCRIBER);
    expect(view.recentDecisions.map((d) => d.decisionId)).toContain(decision.decisionId);
    expect(view.contactHistory).toContainEqual(
      expect.objectContaining({ decisionId: decision.decisionId, actionId: first!.actionId, outcome: 'impression' }),
    );
  });

  it('lists the catalog, filtered by channel', async () => {
    const all = await agent.listActions();
    const sms = await agent.listActions({ channel: 'sms' });
    expect(all.actions.length).toBeGreaterThan(sms.actions.length);
    expect(sms.actions.every((a) => a.channels.includes('sms'))).toBe(true);
    expect(sms.configVersion).toBe(all.configVersion);
  });

  it('sends an event once: the same id again is answered as a duplicate', async () => {
    const event = { id: `sdk-e2e-${Date.now()}`, type: 'care.contact', subscriberId: SUBSCRIBER, time: Date.now() };
    const first = await agent.sendEvent(event);
    expect(first.duplicate).toBeUndefined();
    expect(first.triggers).toBeInstanceOf(Array);
    expect(await agent.sendEvent(event)).toMatchObject({ duplicate: true });
  });

  it('turns error answers into typed errors with code, status and field', async () => {
    const errorOf = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(await errorOf(agent.decide({ subscriberId: 'SUB-99999999', channel: 'app' }))).toMatchObject({
      code: 'SUBSCRIBER_NOT_FOUND',
      status: 404,
      field: 'subscriberId',
    });
    expect(await errorOf(agent.decide({ subscriberId: SUBSCRIBER, channel: 'fax' }))).toMatchObject({
      code: 'UNKNOWN_CHANNEL',
      field: 'channel',
    });
    const outcome = await errorOf(agent.recordOutcome({ decisionId: 'nope', actionId: 'x', outcome: 'click' }));
    expect(isArbiterError(outcome, 'UNKNOWN_DECISION')).toBe(true);
    expect(await errorOf(client('channel').getSubscriber(SUBSCRIBER))).toMatchObject({
      code: 'AUTH_FORBIDDEN',
      status: 403,
    });
    const badKey = createClient({ baseUrl: server.url, apiKey: 'ak_nope_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' });
    const refused = await errorOf(badKey.listActions());
    expect(refused).toBeInstanceOf(ArbiterError);
    expect(refused).toMatchObject({ code: 'AUTH_INVALID_KEY', status: 401 });
  });

  it('a subscription gets recommendations at once and again after an event changes the profile', async () => {
    for (const streamAuth of ['header', 'query'] as const) {
      const arbiter = client('agent', { streamAuth });
      const pushes: Decision[] = [];
      const errors: ArbiterError[] = [];
      const live = arbiter.subscribe(SUBSCRIBER, {
        channel: 'agent',
        onRecommendations: (d) => pushes.push(d),
        onError: (e) => errors.push(e),
      });
      await until(() => pushes.length >= 1);
      await arbiter.sendEvent({
        id: `sdk-e2e-${streamAuth}-${Date.now()}`,
        type: 'care.contact',
        subscriberId: SUBSCRIBER,
        time: Date.now(),
      });
      await until(() => pushes.length >= 2);
      expect(pushes.every((d) => d.subscriberId === SUBSCRIBER && d.channel === 'agent')).toBe(true);
      expect(errors).toEqual([]);
      live.close();
      arbiter.close();
    }
  });

  it('a refused subscription reports the server code', async () => {
    const errors: ArbiterError[] = [];
    agent.subscribe('SUB-99999999', { channel: 'agent', onRecommendations: () => {}, onError: (e) => errors.push(e) });
    await until(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND', status: 404 });
  });
});

describe('a revoked key', () => {
  it('ends its subscriptions with STREAM_KEY_REVOKED and does not reconnect', async () => {
    const created = server.runtime.keys.create('agent', 'desk to revoke');
    const desk = createClient({
      baseUrl: server.url,
      wsUrl: server.wsUrl,
      apiKey: created.key,
      WebSocket,
      reconnectBaseMs: 5,
      reconnectMaxMs: 10,
    });
    const errors: ArbiterError[] = [];
    let subscribed = 0;
    desk.subscribe(SUBSCRIBER, {
      channel: 'agent',
      onRecommendations: () => {},
      onError: (e) => errors.push(e),
      onSubscribed: () => subscribed++,
    });
    await until(() => subscribed === 1);
    server.runtime.keys.revoke(created.id);
    await until(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'STREAM_KEY_REVOKED', status: 401 });
    // With 5-10 ms between attempts, a client that kept reconnecting would have failed many times by now.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(errors).toHaveLength(1);
    desk.close();
  });
});

describe('the SDK keeps in step with the server', () => {
  it('knows every code the server answers with, at the same status', () => {
    const server = { ...errorStatus, ...streamErrorStatus, ...campaignErrorStatus } as Record<string, number>;
    const sdk = serverErrorCodes as Record<string, number>;
    const missing = Object.entries(server).filter(([code, status]) => sdk[code] !== status);
    expect(missing).toEqual([]);
  });

  it("declares the server's answers as the server sends them", () => {
    expectTypeOf<SubscriberView>().toExtend<SdkSubscriberView>();
    expectTypeOf<IngestAnswer>().toExtend<EventAccepted>();
    expectTypeOf<ActionCatalog>().toExtend<SdkActionCatalog>();
  });
});

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}
