// A channel that adds each message to a Redis Stream, for a delivery service (an SMS gateway adapter) to consume.

import type { Channel, DeliveryResult, OutboundMessage } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import type { Redis } from 'ioredis';

export interface RedisStreamChannelOptions {
  name: string;
  redis: Redis;
  stream: string;
  /** Approximate cap on the stream's length (XADD MAXLEN ~), default 1,000,000. */
  maxLength?: number;
}

/** XADD `<stream>` with fields `key` (the idempotency key) and `message` (JSON). */
export function redisStreamChannel(options: RedisStreamChannelOptions): Channel {
  const maxLength = options.maxLength ?? 1_000_000;
  return {
    name: options.name,
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      try {
        await options.redis.xadd(
          options.stream,
          'MAXLEN',
          '~',
          maxLength,
          '*',
          'key',
          message.idempotencyKey,
          'message',
          JSON.stringify(message),
        );
        return { ok: true };
      } catch (error) {
        return {
          ok: false,
          error: `redis stream ${options.stream}: ${errorMessage(error)}`,
        };
      }
    },
  };
}
