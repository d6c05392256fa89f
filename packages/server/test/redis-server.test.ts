// The test redis-server: reachable at the provided URL, and one of our own can be killed and restarted.
import { Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { startRedisServer } from './redis-server.js';

function roundTrip(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(command));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
  });
}

describe('test redis-server', () => {
  it('the shared one answers at the provided URL', async () => {
    const port = Number(new URL(inject('redisUrl')).port);
    expect(await roundTrip(port, 'PING\r\n')).toBe('+PONG\r\n');
  });

  it('a private one can be killed and restarted on the same port', async () => {
    const redis = await startRedisServer();
    try {
      await roundTrip(redis.port, 'SET k v\r\n');
      await redis.kill();
      await expect(roundTrip(redis.port, 'PING\r\n')).rejects.toThrow();
      await redis.restart();
      expect(await roundTrip(redis.port, 'PING\r\n')).toBe('+PONG\r\n');
      expect(await roundTrip(redis.port, 'GET k\r\n')).toBe('$-1\r\n'); // nothing kept on disk
    } finally {
      await redis.stop();
    }
  });
});
