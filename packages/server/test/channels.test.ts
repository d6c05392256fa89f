// Built-in channels: the webhook retries with one idempotency key and gives up cleanly; file and Redis Stream write.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboundMessage } from '@arbiter/engine';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { fileChannel } from '../src/channels/file-channel.js';
import { redisStreamChannel } from '../src/channels/redis-stream-channel.js';
import { webhookChannel } from '../src/channels/webhook-channel.js';

const message: OutboundMessage = {
  idempotencyKey: 'd-1:roam-us-2gb',
  subscriberId: 'SUB-1',
  msisdn: '+31612345678',
  channel: 'sms',
  actionId: 'roam-us-2gb',
  decisionId: 'd-1',
  triggerId: 'roaming-attach',
  treatment: { text: 'Hi Julia' },
  at: '2026-11-22T15:00:00.000Z',
};

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A loopback server answering each request with the next status in `statuses` (or hanging on 0). */
async function gateway(statuses: number[]) {
  const seen: { key: string | undefined; body: unknown }[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) });
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    if (status === 0) return; // never answers
    res.writeHead(status).end();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/send`, seen };
}

const noWait = async () => {};

describe('webhook channel', () => {
  it('retries 5xx with the same idempotency key and succeeds', async () => {
    const gw = await gateway([503, 500, 200]);
    const result = await webhookChannel({ name: 'sms', url: gw.url, sleep: noWait }).deliver(message);
    expect(result).toEqual({ ok: true });
    expect(gw.seen).toHaveLength(3);
    expect(new Set(gw.seen.map((s) => s.key))).toEqual(new Set(['d-1:roam-us-2gb']));
    expect(gw.seen[0]!.body).toEqual(message);
  });

  it('does not retry a 400 and reports it', async () => {
    const gw = await gateway([400]);
    const result = await webhookChannel({ name: 'sms', url: gw.url, sleep: noWait }).deliver(message);
    expect(result).toEqual({ ok: false, error: expect.stringContaining('HTTP 400 after 4 attempt(s)') });
    expect(gw.seen).toHaveLength(1);
  });

  it('times out a gateway that never answers, and gives up after its retries', async () => {
    const gw = await gateway([0]);
    const result = await webhookChannel({ name: 'sms', url: gw.url, timeoutMs: 50, retries: 1, sleep: noWait }).deliver(
      message,
    );
    expect(result).toEqual({ ok: false, error: expect.stringContaining('timed out after 50 ms after 2 attempt(s)') });
    expect(gw.seen).toHaveLength(2);
  });

  it('backs off exponentially between attempts', async () => {
    const gw = await gateway([503, 503, 503, 200]);
    const waits: number[] = [];
    await webhookChannel({
      name: 'sms',
      url: gw.url,
      backoffMs: 100,
      sleep: async (ms) => void waits.push(ms),
    }).deliver(message);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(100 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(150 * 2 ** i);
    });
  });
});

describe('file channel', () => {
  it('appends one JSON line per message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbiter-channel-'));
    try {
      const channel = fileChannel({ name: 'sms', path: join(dir, 'out.jsonl') });
      await channel.deliver(message);
      await channel.deliver({ ...message, actionId: 'topup-5gb' });
      const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.actionId)).toEqual(['roam-us-2gb', 'topup-5gb']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a write error as a failed delivery', async () => {
    const result = await fileChannel({ name: 'sms', path: '/nonexistent-dir/out.jsonl' }).deliver(message);
    expect(result.ok).toBe(false);
  });
});

describe('redis stream channel', () => {
  it('adds the message to the stream with its idempotency key', async () => {
    const redis = new Redis(inject('redisUrl'));
    const stream = `test:channels:${Math.random().toString(36).slice(2)}:outbound`;
    try {
      expect(await redisStreamChannel({ name: 'sms', redis, stream }).deliver(message)).toEqual({ ok: true });
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries).toHaveLength(1);
      const fields = entries[0]![1];
      expect(fields[0]).toBe('key');
      expect(fields[1]).toBe('d-1:roam-us-2gb');
      expect(JSON.parse(fields[3]!)).toEqual(message);
    } finally {
      await redis.del(stream);
      redis.disconnect();
    }
  });
});
