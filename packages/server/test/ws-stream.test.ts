// The /v1/stream protocol over real loopback sockets: decide (JSON and msgpack), subscriptions, auth, close.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/metrics.js';
import { startStreamServer } from '../src/ws/stream-server.js';
import type { StreamRuntime, StreamServer, StreamServerOptions } from '../src/ws/stream-types.js';
import { Client, fakeRuntime, KEYS, refusedUpgrade, until } from './ws-test-kit.js';

let servers: StreamServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(runtime: StreamRuntime, options: Partial<StreamServerOptions> = {}): Promise<StreamServer> {
  const server = await startStreamServer({ port: 0, host: '127.0.0.1', runtime, ...options });
  servers.push(server);
  return server;
}

describe('decide over the stream', () => {
  it('answers a JSON decide with the handler status and body, for the caller of the key', async () => {
    const { runtime, calls } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url, { 'x-api-key': 'key-channel' });
    client.send({ id: 'a1', type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
    const reply = await client.reply('a1');
    expect(reply).toEqual({
      id: 'a1',
      type: 'decision',
      status: 200,
      body: { decisionId: 'd1', subscriberId: 'SUB-1', channel: 'app', version: 1, actions: [] },
    });
    expect(calls[0]!.caller).toEqual(KEYS['key-channel']);
    await client.close();
  });

  it('answers a msgpack decide in msgpack, with the same shape', async () => {
    const { runtime } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 7, type: 'decide', request: { subscriberId: 'SUB-2', channel: 'agent' } }, true);
    const reply = await client.reply(7);
    expect(reply).toMatchObject({ binary: true, id: 7, type: 'decision', status: 200 });
    expect(reply.body).toMatchObject({ subscriberId: 'SUB-2', channel: 'agent' });
    await client.close();
  });

  it("passes the handler's refusal through as a decision with its status", async () => {
    const { runtime } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 'x', type: 'decide', request: { subscriberId: 'SUB-9', channel: 'app' } });
    expect(await client.reply('x')).toMatchObject({
      type: 'decision',
      status: 404,
      body: { error: { code: 'SUBSCRIBER_NOT_FOUND' } },
    });
    await client.alive();
    await client.close();
  });

  it('turns a decide handler that throws into a 500 answer and keeps serving', async () => {
    const { runtime } = fakeRuntime({
      decide: () => Promise.reject(new Error('boom')),
    });
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 1, type: 'decide', request: { channel: 'app' } });
    expect(await client.reply(1)).toMatchObject({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'boom' } },
    });
    await client.alive();
    await client.close();
  });
});

describe('subscriptions', () => {
  it('pushes recommendations at once and after every profile change, until unsubscribed', async () => {
    const { runtime, change, events } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 's1', type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent', limit: 3 });
    expect(await client.reply('s1')).toEqual({ id: 's1', type: 'subscribed', subscriberId: 'SUB-1' });
    const first = await client.next((f) => f.type === 'recommendations');
    expect(first).toMatchObject({ subscriberId: 'SUB-1', decision: { version: 1, channel: 'agent' } });

    change('SUB-1');
    const second = await client.next((f) => f.type === 'recommendations');
    expect(second.decision.version).toBe(2);
    change('SUB-2'); // not followed: nothing comes
    await client.alive();
    expect(client.frames.filter((f) => f.type === 'recommendations')).toEqual([]);

    client.send({ id: 'u1', type: 'unsubscribe', subscriberId: 'SUB-1' });
    expect(await client.reply('u1')).toEqual({ id: 'u1', type: 'unsubscribed', subscriberId: 'SUB-1' });
    expect(events.listenerCount('profile-changed')).toBe(0);
    change('SUB-1');
    await client.alive();
    expect(client.frames.filter((f) => f.type === 'recommendations')).toEqual([]);
    await client.close();
  });

  it('sends the subscribe limit with every decision it makes', async () => {
    const { runtime, calls, change } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 's', type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent', limit: 2 });
    await client.next((f) => f.type === 'recommendations');
    change('SUB-1');
    await client.next((f) => f.type === 'recommendations');
    expect(calls.map((c) => c.body)).toEqual([
      { subscriberId: 'SUB-1', channel: 'agent', limit: 2 },
      { subscriberId: 'SUB-1', channel: 'agent', limit: 2 },
    ]);
    await client.close();
  });

  it('pushes in msgpack to a client that subscribed in msgpack', async () => {
    const { runtime, change } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 1, type: 'subscribe', subscriberId: 'SUB-2', channel: 'agent' }, true);
    expect(await client.reply(1)).toMatchObject({ binary: true, type: 'subscribed' });
    change('SUB-2');
    const pushes = [
      await client.next((f) => f.type === 'recommendations'),
      await client.next((f) => f.type === 'recommendations'),
    ];
    expect(pushes.map((p) => [p.binary, p.decision.version])).toEqual([
      [true, 1],
      [true, 2],
    ]);
    await client.close();
  });

  it('folds changes that arrive while a decision is being made into one more decision', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = fakeRuntime();
    let decisions = 0;
    const decide = fake.runtime.decide;
    fake.runtime.decide = async (body, caller) => {
      if (++decisions === 2) await gate; // the first push's decision hangs until released
      return decide(body, caller);
    };
    const server = await start(fake.runtime);
    const client = await Client.open(server.url);
    client.send({ id: 's', type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    await client.next((f) => f.type === 'recommendations');
    for (let i = 0; i < 5; i++) fake.change('SUB-1');
    release();
    const pushes = [
      await client.next((f) => f.type === 'recommendations'),
      await client.next((f) => f.type === 'recommendations'),
    ];
    await client.alive();
    // The subscribe, the change that started the held decision, and one decision for the four changes after it.
    expect(decisions).toBe(3);
    expect(pushes.map((p) => p.decision.version)).toEqual([6, 6]);
    expect(client.frames.filter((f) => f.type === 'recommendations')).toEqual([]);
    await client.close();
  });

  it('refuses a subscription the first decision refuses, and follows nothing', async () => {
    const { runtime, events } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 'q', type: 'subscribe', subscriberId: 'SUB-404', channel: 'agent' });
    expect(await client.reply('q')).toEqual({
      id: 'q',
      type: 'error',
      error: { code: 'SUBSCRIBER_NOT_FOUND', message: 'no such subscriber', field: 'subscriberId' },
    });
    expect(events.listenerCount('profile-changed')).toBe(0);
    expect(server.stats().subscriptions).toBe(0);
    await client.alive();
    await client.close();
  });

  it('needs the agent role to subscribe; a channel key may decide but not subscribe', async () => {
    const { runtime } = fakeRuntime();
    const server = await start(runtime);
    const client = await Client.open(server.url, { authorization: 'Bearer key-channel' });
    client.send({ id: 1, type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    expect(await client.reply(1)).toMatchObject({ type: 'error', error: { code: 'AUTH_FORBIDDEN' } });
    client.send({ id: 2, type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
    expect(await client.reply(2)).toMatchObject({ type: 'decision', status: 200 });
    await client.close();
  });

  it('bounds subscriptions and messages in flight per connection', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = fakeRuntime();
    const { runtime } = fakeRuntime({
      decide: async (b, c) => {
        await gate;
        return base.runtime.decide(b, c);
      },
    });
    const server = await start(runtime, { maxInFlight: 2, maxSubscriptions: 1 });
    const client = await Client.open(server.url);
    for (const id of [1, 2, 3]) client.send({ id, type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
    expect(await client.reply(3)).toMatchObject({ type: 'error', error: { code: 'STREAM_TOO_MANY_IN_FLIGHT' } });
    release();
    await Promise.all([client.reply(1), client.reply(2)]);
    client.send({ id: 4, type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    expect(await client.reply(4)).toMatchObject({ type: 'subscribed' });
    client.send({ id: 5, type: 'subscribe', subscriberId: 'SUB-2', channel: 'agent' });
    expect(await client.reply(5)).toMatchObject({ type: 'error', error: { code: 'STREAM_TOO_MANY_SUBSCRIPTIONS' } });
    // The same subscriber again replaces the subscription rather than counting twice.
    client.send({ id: 6, type: 'subscribe', subscriberId: 'SUB-1', channel: 'app' });
    expect(await client.reply(6)).toMatchObject({ type: 'subscribed' });
    expect(server.stats().subscriptions).toBe(1);
    await client.close();
  });
});

describe('authentication at upgrade', () => {
  it('refuses an upgrade without a key or with a bad key with 401 and a code', async () => {
    const { runtime } = fakeRuntime();
    const server = await start(runtime);
    expect(await refusedUpgrade(server.url)).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_MISSING_KEY' } },
    });
    expect(await refusedUpgrade(server.url, { 'x-api-key': 'nope' })).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_INVALID_KEY' } },
    });
    expect(await refusedUpgrade(`${server.url}?key=nope`)).toMatchObject({ status: 401 });
    expect(server.stats().connections).toBe(0);
  });

  it('takes the key from authorization, x-api-key or ?key=, and from an async key store', async () => {
    const { runtime } = fakeRuntime({ verifyKey: async (key) => KEYS[key] });
    const server = await start(runtime);
    const clients = await Promise.all([
      Client.open(server.url, { authorization: 'Bearer key-agent' }),
      Client.open(server.url, { 'x-api-key': 'key-agent' }),
      Client.open(`${server.url}?key=key-agent`, {}),
    ]);
    expect(server.stats().connections).toBe(3);
    for (const client of clients) await client.alive();
    expect(await refusedUpgrade(server.url, { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
    await Promise.all(clients.map((c) => c.close()));
  });

  it('answers plain HTTP with 426 on the stream path and 404 elsewhere', async () => {
    const { runtime } = fakeRuntime();
    const server = await start(runtime);
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await get('/v1/stream')).toBe(426);
    expect(await get('/elsewhere')).toBe(404);
  });
});

describe('options', () => {
  it('refuses settings uWS cannot honour before listening', async () => {
    const { runtime } = fakeRuntime();
    await expect(startStreamServer({ runtime, idleTimeoutSeconds: 3 })).rejects.toThrow(RangeError);
    await expect(startStreamServer({ runtime, pushBackpressure: 2048, maxBackpressure: 1024 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('close', () => {
  it('leaves no listener, subscription or connection behind after many open, subscribe, close cycles', async () => {
    const { runtime, events } = fakeRuntime();
    const server = await start(runtime);
    for (let i = 0; i < 25; i++) {
      const client = await Client.open(server.url);
      client.send({ id: 's', type: 'subscribe', subscriberId: i % 2 ? 'SUB-1' : 'SUB-2', channel: 'agent' });
      await client.reply('s');
      expect(events.listenerCount('profile-changed')).toBe(1);
      if (i % 3 === 0)
        client.socket.terminate(); // no close handshake: the server must clean up all the same
      else await client.close();
      await client.closed;
      await until(() => server.stats().connections === 0);
    }
    expect(events.listenerCount('profile-changed')).toBe(0);
    expect(server.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });

  it('closes open connections with 1001 when the server closes, waiting for decisions in flight', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = fakeRuntime();
    const { runtime, events } = fakeRuntime({
      decide: async (b, c) => {
        await gate;
        return base.runtime.decide(b, c);
      },
    });
    const server = await startStreamServer({ port: 0, runtime });
    const client = await Client.open(server.url);
    client.send({ id: 1, type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
    await until(() => server.stats().connections === 1);
    const closing = server.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'STREAM_SERVER_CLOSING' });
    release();
    await closing;
    expect(events.listenerCount('profile-changed')).toBe(0);
  });
});

describe('stream metrics', () => {
  it('counts each message type as an endpoint, with its status', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const { runtime } = fakeRuntime({ metrics });
    const server = await start(runtime);
    const client = await Client.open(server.url);
    client.send({ id: 1, type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
    client.send({ id: 2, type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    client.send({ id: 3, type: 'subscribe', subscriberId: 'SUB-404', channel: 'agent' });
    client.sendRaw('{oops', false);
    await Promise.all([client.reply(1), client.reply(2), client.reply(3)]);
    await client.alive();
    const text = await metrics.registry.metrics();
    expect(text).toContain('arbiter_requests_total{endpoint="ws:decide",method="WS"} 1');
    expect(text).toContain('arbiter_responses_success_total{endpoint="ws:subscribe",method="WS"} 1');
    expect(text).toContain('arbiter_responses_rejected_total{endpoint="ws:subscribe",method="WS"} 1');
    expect(text).toContain('arbiter_responses_rejected_total{endpoint="ws:invalid",method="WS"} 1');
    expect(text).toContain('arbiter_responses_success_total{endpoint="ws:connect",method="GET"} 1');
    expect(text).toContain('arbiter_stream_connections 1');
    expect(text).toContain('arbiter_stream_events_total{event="push"} 1');
    await client.close();
  });
});
