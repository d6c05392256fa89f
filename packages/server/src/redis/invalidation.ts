// Cross-process cache invalidation over Redis pub/sub: every profile write publishes its id; other processes evict.
import type { Redis } from 'ioredis';

export interface InvalidationOptions {
  /** The pub/sub channel (one per key prefix). */
  channel: string;
  /** This process's tag: its own messages are ignored (it updated its cache when it wrote). */
  origin: string;
  /** Another process changed or deleted this subscriber's profile. */
  onInvalidate(subscriberId: string): void;
  /**
   * The subscription was (re)confirmed. Messages sent while it was down are lost, so anything cached before
   * this moment may be stale and must be re-read before it is served as fresh.
   */
  onSubscribed(): void;
}

/** The message a write publishes: origin and subscriber id, separated by a space (origins never contain one). */
export function invalidationMessage(origin: string, subscriberId: string): string {
  return `${origin} ${subscriberId}`;
}

/**
 * Listens on a dedicated subscriber connection. ioredis's own auto-resubscribe is off: we subscribe on every
 * `ready` ourselves, so we know when the subscription is live again and can tell the cache.
 */
export class ProfileInvalidation {
  private subscribed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly subscriber: Redis,
    private readonly options: InvalidationOptions,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== options.channel) return;
      const space = message.indexOf(' ');
      if (space < 0 || message.slice(0, space) === options.origin) return;
      options.onInvalidate(message.slice(space + 1));
    });
    subscriber.on('close', () => {
      this.subscribed = false;
    });
    subscriber.on('ready', () => {
      void this.subscribe().catch(() => {
        // The connection dropped again before the subscription was confirmed; the next `ready` retries.
      });
    });
  }

  /** Resolves once a subscription is confirmed (at once if it is). */
  start(): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    const confirmed = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.subscriber.status === 'ready') void this.subscribe().catch(() => {});
    return confirmed;
  }

  /** True while the subscription is confirmed and the connection is up. */
  get live(): boolean {
    return this.subscribed;
  }

  async close(): Promise<void> {
    this.subscribed = false;
    try {
      await this.subscriber.quit();
    } catch {
      this.subscriber.disconnect();
    }
  }

  private async subscribe(): Promise<void> {
    await this.subscriber.subscribe(this.options.channel);
    this.subscribed = true;
    this.options.onSubscribed();
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
