// A client that stops reading: its pushes are dropped and counted, it catches up on drain, and past the hard bound it is closed.
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startStreamServer } from '../src/ws/stream-server.js';
import type { StreamServer } from '../src/ws/stream-types.js';
import { Client, fakeRuntime, until } from './ws-test-kit.js';

const KB = 1024;

/** A fake runtime whose decisions weigh `bytes`, so a few hundred of them fill the loopback socket's buffers. */
function heavyRuntime(bytes: number) {
  const fake = fakeRuntime();
  const decide = fake.runtime.decide;
  fake.runtime.decide = async (body, caller) => {
    const reply = await decide(body, caller);
    if (reply.status === 200) reply.body = { ...(reply.body as object), padding: 'p'.repeat(bytes) };
    return reply;
  };
  return fake;
}

let server: StreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('backpressure', () => {
  it('drops pushes to a client that stopped reading, counts them, and sends fresh ones once it drains', async () => {
    const fake = heavyRuntime(32 * KB);
    server = await startStreamServer({
      port: 0,
      runtime: fake.runtime,
      pushBackpressure: 64 * KB,
      maxBackpressure: 64 * 1024 * KB, // far away: this test is about dropping, not closing
    });
    const client = await Client.open(server.url);
    client.send({ id: 's', type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    await client.next((f) => f.type === 'recommendations');

    client.socket.pause(); // stop reading: the kernel's buffers fill, then the server's
    for (let i = 0; i < 5_000 && server.stats().droppedPushes === 0; i++) {
      fake.change('SUB-1');
      await tick();
    }
    const held = server.stats();
    expect(held.droppedPushes).toBeGreaterThan(0);

    // While the client is behind, every further change is dropped (and counted), none is queued.
    for (let i = 0; i < 50; i++) {
      fake.change('SUB-1');
      await tick();
    }
    expect(server.stats().pushes).toBe(held.pushes);
    expect(server.stats().droppedPushes).toBe(held.droppedPushes + 50);

    client.socket.resume();
    const latest = fake.versions.get('SUB-1');
    const caughtUp = await client.next((f) => f.type === 'recommendations' && f.decision.version === latest);
    expect(caughtUp.subscriberId).toBe('SUB-1');
    // The pushes sent before the buffers filled were all delivered, in order, before the catch-up.
    const before = client.frames.filter((f) => f.type === 'recommendations').map((f) => f.decision.version);
    expect(before).toEqual([...before].sort((a, b) => a - b));
    client.frames.length = 0;
    fake.change('SUB-1');
    expect((await client.next((f) => f.type === 'recommendations')).decision.version).toBe(latest! + 1);
    expect(server.stats().closedForBackpressure).toBe(0);
    await client.close();
  });

  it('closes a client whose unread answers pass maxBackpressure with 4008, and cleans up after it', async () => {
    const fake = heavyRuntime(64 * KB);
    server = await startStreamServer({
      port: 0,
      runtime: fake.runtime,
      maxBackpressure: 1024 * KB,
      maxInFlight: 10_000,
    });
    const client = await Client.open(server.url);
    client.send({ id: 's', type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent' });
    await client.reply('s');
    expect(fake.events.listenerCount('profile-changed')).toBe(1);

    client.socket.pause();
    // Answers are never dropped (the client asked for them), so a client that asks and never reads must be cut off.
    for (let i = 0; i < 2_000 && server.stats().closedForBackpressure === 0; i++) {
      client.send({ id: i, type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } });
      if (i % 10 === 0) await tick();
    }
    await until(() => server!.stats().closedForBackpressure === 1);
    await until(() => server!.stats().connections === 0);
    expect(fake.events.listenerCount('profile-changed')).toBe(0);
    expect(server.stats().subscriptions).toBe(0);

    client.socket.resume();
    expect(await client.closed).toEqual({ code: 4008, reason: 'STREAM_BACKPRESSURE' });
  });
});
