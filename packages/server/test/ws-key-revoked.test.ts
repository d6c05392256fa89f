// Revoking an API key ends the WebSockets opened with it (close code 4401) and only those; reconnecting with the
// revoked key is refused, over the real server (DELETE /v1/keys/:id by an admin, as an operator would).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/serve.js';
import { NOW, RULES } from './http-fixture.js';
import { Client, refusedUpgrade } from './ws-test-kit.js';

describe('a revoked key on the stream', () => {
  let server: RunningServer;
  const adminKey = () => server.keys.find((k) => k.role === 'admin')!.key;
  beforeAll(async () => {
    server = await startServer({
      rulesDir: RULES,
      port: 0,
      population: { count: 10, seed: 42 },
      logger: false,
      requestLogging: false,
      watch: false,
      runtime: { clock: () => NOW },
    });
  });
  afterAll(() => server.close());

  it('closes the sockets of that key with 4401 at once, leaves the others open, and refuses it after', async () => {
    const desk = server.runtime.keys.create('agent', 'desk 12');
    const other = server.runtime.keys.create('agent', 'desk 13');
    const first = await Client.open(server.wsUrl!, { 'x-api-key': desk.key });
    const second = await Client.open(server.wsUrl!, { authorization: `Bearer ${desk.key}` });
    const bystander = await Client.open(server.wsUrl!, { 'x-api-key': other.key });
    await Promise.all([first.alive(), second.alive(), bystander.alive()]);

    const revoked = await fetch(`${server.url}/v1/keys/${desk.id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': adminKey() },
    });
    expect(revoked.status).toBe(204);
    expect(await first.closed).toEqual({ code: 4401, reason: 'STREAM_KEY_REVOKED' });
    expect(await second.closed).toEqual({ code: 4401, reason: 'STREAM_KEY_REVOKED' });
    await bystander.alive();

    const again = await refusedUpgrade(server.wsUrl!, { 'x-api-key': desk.key });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('AUTH_INVALID_KEY');
    await bystander.close();
  });

  it('follows a revocation made on the key store itself, and one of a key with no socket is harmless', async () => {
    const unused = server.runtime.keys.create('channel', 'web');
    expect(server.runtime.keys.revoke(unused.id)).toBe(true);
    const listener = server.runtime.keys.create('agent', 'desk 14');
    const socket = await Client.open(server.wsUrl!, { 'x-api-key': listener.key });
    await socket.alive();
    expect(server.runtime.keys.revoke(listener.id)).toBe(true);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'STREAM_KEY_REVOKED' });
  });
});
