import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  type ArbiterClient,
  type ArbiterError,
  type ClientOptions,
  createClient,
  type Decision,
} from '../src/index.js';
import { type FakeStream, fakeStream } from './fake-servers.js';

const KEY = 'ak_agent1_secret';
const decisionFor = (subscriberId: string, channel = 'agent', decisionId = 'd-1') =>
  ({ decisionId, subscriberId, channel, actions: [] }) as unknown as Decision;

let stream: FakeStream;
let clients: ArbiterClient[];
beforeEach(async () => {
  stream = await fakeStream();
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.close();
  await stream.close();
});

/** A client on the fake stream with reconnects fast enough that tests do not wait on backoff. */
function client(options: Partial<ClientOptions> = {}): ArbiterClient {
  const c = createClient({
    baseUrl: 'http://127.0.0.1:1',
    wsUrl: stream.url,
    apiKey: KEY,
    WebSocket,
    reconnectBaseMs: 5,
    reconnectMaxMs: 20,
    heartbeatMs: 0,
    ...options,
  });
  clients.push(c);
  return c;
}

/** Collects what a subscription receives. */
function recorder() {
  const decisions: Decision[] = [];
  const errors: ArbiterError[] = [];
  let subscribed = 0;
  return {
    decisions,
    errors,
    subscribedCount: () => subscribed,
    options: (channel = 'agent') => ({
      channel,
      onRecommendations: (d: Decision) => decisions.push(d),
      onError: (e: ArbiterError) => errors.push(e),
      onSubscribed: () => {
        subscribed++;
      },
    }),
  };
}

describe('subscribe', () => {
  it('subscribes with the key in the URL and hands over every push for the subscriber', async () => {
    const julia = recorder();
    client().subscribe('SUB-1', { ...julia.options(), limit: 3 });
    await waitFor(() => julia.subscribedCount() === 1);
    expect(stream.connections[0]?.url).toBe(`/v1/stream?key=${KEY}`);
    expect(stream.frames[0]).toMatchObject({ type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent', limit: 3 });

    stream.push('SUB-1', decisionFor('SUB-1', 'agent', 'd-1'));
    stream.push('SUB-1', decisionFor('SUB-1', 'agent', 'd-2'));
    await waitFor(() => julia.decisions.length === 2);
    expect(julia.decisions.map((d) => d.decisionId)).toEqual(['d-1', 'd-2']);
    expect(julia.errors).toEqual([]);
  });

  it('shares one socket between subscriptions and routes each push to its own subscriber', async () => {
    const arbiter = client();
    const a = recorder();
    const b = recorder();
    arbiter.subscribe('SUB-A', a.options());
    arbiter.subscribe('SUB-B', b.options());
    await waitFor(() => a.subscribedCount() === 1 && b.subscribedCount() === 1);
    stream.push('SUB-B', decisionFor('SUB-B'));
    await waitFor(() => b.decisions.length === 1);
    expect(a.decisions).toEqual([]);
    expect(stream.connections).toHaveLength(1);
  });

  it("streamAuth: 'header' sends the key as x-api-key on the upgrade, not in the URL", async () => {
    const a = recorder();
    client({ streamAuth: 'header' }).subscribe('SUB-1', a.options());
    await waitFor(() => a.subscribedCount() === 1);
    expect(stream.connections[0]).toMatchObject({ url: '/v1/stream', apiKey: KEY });
  });

  it('refuses a second subscription to the same subscriber on another channel (the server follows one)', async () => {
    const arbiter = client();
    const a = recorder();
    arbiter.subscribe('SUB-1', a.options('agent'));
    expect(() => arbiter.subscribe('SUB-1', a.options('app'))).toThrow(/already followed on channel agent/);
    const again = arbiter.subscribe('SUB-1', a.options('agent')); // the same channel is fine
    await waitFor(() => a.subscribedCount() === 2);
    again.close();
    expect(stream.frames.some((f) => f.type === 'unsubscribe')).toBe(false); // the first still follows SUB-1
  });

  it('derives the stream URL from baseUrl when no wsUrl is given', async () => {
    const port = new URL(stream.url).port;
    const a = recorder();
    client({ baseUrl: `http://127.0.0.1:${port}/`, wsUrl: undefined }).subscribe('SUB-1', a.options());
    await waitFor(() => a.subscribedCount() === 1);
    expect(stream.connections[0]?.url).toBe(`/v1/stream?key=${KEY}`);
  });

  it('a callback that throws is reported to onError and the stream keeps delivering', async () => {
    const errors: ArbiterError[] = [];
    const seen: string[] = [];
    client().subscribe('SUB-1', {
      channel: 'agent',
      onRecommendations: (d) => {
        seen.push(d.decisionId);
        if (d.decisionId === 'd-1') throw new Error('render failed');
      },
      onError: (e) => errors.push(e),
    });
    await stream.until(() => stream.subscribed().length === 1);
    stream.push('SUB-1', decisionFor('SUB-1', 'agent', 'd-1'));
    stream.push('SUB-1', decisionFor('SUB-1', 'agent', 'd-2'));
    await waitFor(() => seen.length === 2);
    expect(errors.map((e) => e.code)).toEqual(['CALLBACK_FAILED']);
  });

  it('a failed push reaches only its subscriber, whose subscription goes on', async () => {
    const arbiter = client();
    const a = recorder();
    const b = recorder();
    arbiter.subscribe('SUB-A', a.options());
    arbiter.subscribe('SUB-B', b.options());
    await stream.until(() => stream.subscribed().length === 2);
    const error = { code: 'PROFILE_STORE_UNAVAILABLE', message: 'redis down' };
    stream.sendTo('SUB-A', { type: 'error', subscriberId: 'SUB-A', error });
    await waitFor(() => a.errors.length === 1);
    expect(a.errors[0]).toMatchObject({ code: 'PROFILE_STORE_UNAVAILABLE', status: 503 });
    expect(b.errors).toEqual([]);
    stream.push('SUB-A', decisionFor('SUB-A'));
    await waitFor(() => a.decisions.length === 1);
    expect(stream.frames.filter((f) => f.type === 'subscribe')).toHaveLength(2); // not asked again
  });

  it('a refused subscription reports the typed error and is not asked again after a reconnect', async () => {
    stream.refuse('SUB-404', { code: 'SUBSCRIBER_NOT_FOUND', message: 'no profile', field: 'subscriberId' });
    const arbiter = client();
    const missing = recorder();
    const present = recorder();
    arbiter.subscribe('SUB-404', missing.options());
    arbiter.subscribe('SUB-1', present.options());
    await waitFor(() => missing.errors.length === 1 && present.subscribedCount() === 1);
    expect(missing.errors[0]).toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND', status: 404, field: 'subscriberId' });

    stream.dropAll();
    await waitFor(() => present.subscribedCount() === 2);
    const subscribes = stream.frames.filter((f) => f.type === 'subscribe').map((f) => f.subscriberId);
    expect(subscribes).toEqual(['SUB-404', 'SUB-1', 'SUB-1']);
  });

  it('throws at subscribe when there is no WebSocket implementation', () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      const arbiter = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: KEY });
      expect(() => arbiter.subscribe('SUB-1', recorder().options())).toThrow(/ws package/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('reconnect', () => {
  it('reconnects after the server drops the socket and resubscribes every subscription', async () => {
    const arbiter = client();
    const a = recorder();
    const b = recorder();
    arbiter.subscribe('SUB-A', a.options('agent'));
    arbiter.subscribe('SUB-B', b.options('app'));
    await stream.until(() => stream.subscribed().length === 2);

    stream.dropAll();
    await waitFor(() => a.subscribedCount() === 2 && b.subscribedCount() === 2);
    expect(stream.connections).toHaveLength(2);
    expect(stream.subscribed()).toEqual(['SUB-A', 'SUB-B']);
    const resent = stream.frames.filter((f) => f.type === 'subscribe').slice(2);
    expect(resent).toEqual([
      expect.objectContaining({ subscriberId: 'SUB-A', channel: 'agent' }),
      expect.objectContaining({ subscriberId: 'SUB-B', channel: 'app' }),
    ]);
    // Subscribers hear that the stream was lost (an agent desktop shows "reconnecting") ...
    expect(a.errors.map((e) => e.code)).toEqual(['NETWORK_ERROR']);
    // ... and pushes flow again on the new socket.
    stream.push('SUB-A', decisionFor('SUB-A'));
    await waitFor(() => a.decisions.length === 1);
  });

  it('keeps trying while the server is away, and resubscribes when it is back', async () => {
    const port = Number(new URL(stream.url).port);
    const a = recorder();
    client({ wsUrl: `ws://127.0.0.1:${port}/v1/stream` }).subscribe('SUB-A', a.options());
    await waitFor(() => a.subscribedCount() === 1);
    await stream.close();
    await waitFor(() => a.errors.length >= 3); // the first loss and at least two refused reconnects
    stream = await fakeStream(port); // on the port the client keeps trying
    await waitFor(() => a.subscribedCount() === 2);
    expect(stream.subscribed()).toEqual(['SUB-A']);
  });

  it('drops a socket that stops answering pings and opens a new one', async () => {
    const a = recorder();
    client({ heartbeatMs: 10 }).subscribe('SUB-A', a.options());
    await waitFor(() => stream.frames.some((f) => f.type === 'ping'));
    stream.silence(true);
    await stream.until(() => stream.connections.length === 2);
    stream.silence(false);
    await waitFor(() => a.subscribedCount() === 2);
    expect(a.errors[0]?.message).toMatch(/no pong/);
  });
});

describe('close', () => {
  it('closing a subscription unsubscribes it; closing the last one closes the socket', async () => {
    const arbiter = client();
    const a = recorder();
    const b = recorder();
    const subA = arbiter.subscribe('SUB-A', a.options());
    const subB = arbiter.subscribe('SUB-B', b.options());
    await stream.until(() => stream.subscribed().length === 2);
    subA.close();
    await stream.until(() => stream.subscribed().length === 1);
    expect(stream.frames.at(-1)).toMatchObject({ type: 'unsubscribe', subscriberId: 'SUB-A' });
    subB.close();
    await stream.until(() => stream.connections[0]?.socket.readyState === WebSocket.CLOSED);
    subB.close(); // twice is harmless
  });

  it('after close, a dropped socket is not reopened', async () => {
    const arbiter = client();
    const a = recorder();
    arbiter.subscribe('SUB-A', a.options());
    await stream.until(() => stream.subscribed().length === 1);
    stream.dropAll();
    arbiter.close(); // before the reconnect timer fires
    await settle();
    expect(stream.connections).toHaveLength(1);
  });

  it('a closed stream reopens for a new subscription', async () => {
    const arbiter = client();
    const a = recorder();
    arbiter.subscribe('SUB-A', a.options()).close();
    arbiter.subscribe('SUB-B', a.options());
    await waitFor(() => a.subscribedCount() === 1);
    expect(stream.subscribed()).toEqual(['SUB-B']);
  });
});

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** Long enough for many reconnect attempts at the test backoff (5 to 20 ms): none may happen. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 150));
}
