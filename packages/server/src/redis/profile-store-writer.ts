// The write side of the Redis profile store: SET and PUBLISH in one MULTI, and the held writes while Redis is away.
import type { Redis } from 'ioredis';
import { invalidationMessage } from './invalidation.js';
import type { ProfileStoreEvent } from './profile-store-errors.js';
import { type PendingWrite, WriteBuffer } from './profile-store-write-buffer.js';

export interface ProfileWriterOptions {
  redis: Redis;
  key: (subscriberId: string) => string;
  /** The invalidation channel, and this process's tag on its messages. */
  channel: string;
  origin: string;
  ttlSeconds: number | undefined;
  /** Most subscribers with held writes. */
  limit: number;
  /** Retry interval while held writes cannot be sent. */
  retryMs: number;
  onEvent: (event: ProfileStoreEvent) => void;
  /** A command failed (the store backs off reads for a while). */
  onFailure: () => void;
}

const FLUSH_BATCH = 256;

/**
 * Sends writes, and holds the ones Redis does not take. Held writes go out in the order they were made, on
 * `ready` and on a retry timer (a slow Redis never disconnects, so `ready` alone would not do).
 */
export class ProfileWriter {
  flushed = 0;
  dropped = 0;
  private readonly buffer: WriteBuffer;
  private flushRun: Promise<number> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private sending = 0;
  private readonly onReady = () => void this.flush();

  constructor(private readonly options: ProfileWriterOptions) {
    this.buffer = new WriteBuffer(options.limit);
    options.redis.on('ready', this.onReady);
  }

  /** True when a new write must queue behind held ones (a direct write could land before an older held one). */
  get busy(): boolean {
    return this.buffer.size > 0 || this.flushRun !== undefined || this.options.redis.status !== 'ready';
  }

  /** Writes not yet in Redis: held, or in a flush batch still on its way. */
  get pending(): number {
    return this.buffer.size + this.sending;
  }

  held(subscriberId: string): PendingWrite | undefined {
    return this.buffer.get(subscriberId);
  }

  /** A write reached Redis: an older held write for the subscriber is now moot. */
  settled(write: PendingWrite): void {
    this.buffer.settled(write.subscriberId, write.seq);
  }

  /** SET (or DEL) and PUBLISH per write, in one MULTI: a write is never in Redis without its invalidation. */
  async send(writes: readonly PendingWrite[]): Promise<void> {
    const { redis, key, channel, origin, ttlSeconds } = this.options;
    const multi = redis.multi();
    for (const w of writes) {
      if (w.kind === 'delete') multi.del(key(w.subscriberId));
      else if (ttlSeconds !== undefined) multi.set(key(w.subscriberId), w.bytes, 'EX', ttlSeconds);
      else multi.set(key(w.subscriberId), w.bytes);
      multi.publish(channel, invalidationMessage(origin, w.subscriberId));
    }
    const results = await multi.exec();
    if (!results) throw new Error('transaction discarded');
    for (const [error] of results) if (error) throw error;
  }

  /**
   * Holds a write for later, reporting it and any older write dropped to make room. After a failed send the
   * retry timer sends it; otherwise (it queued behind held writes) a flush starts now if Redis is there.
   */
  hold(write: PendingWrite, why: string, failed: boolean): void {
    const dropped = this.buffer.add(write);
    this.options.onEvent({ code: 'PROFILE_WRITE_BUFFERED', subscriberId: write.subscriberId, detail: why });
    this.drop(dropped, `write buffer full (limit ${this.buffer.limit})`);
    if (!failed && this.options.redis.status === 'ready') void this.flush();
    else this.retrySoon();
  }

  /** Sends held writes now; resolves with how many are still held. */
  flush(): Promise<number> {
    this.flushRun ??= this.runFlush().then((failed) => {
      this.flushRun = undefined;
      // Writes held after the run's last look would otherwise wait for the retry timer.
      if (!failed && this.buffer.size > 0 && !this.closed) return this.flush();
      return this.buffer.size;
    });
    return this.flushRun;
  }

  /** Sends what it can; every write still held after that is reported dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.buffer.size > 0 && this.options.redis.status === 'ready') await this.flush();
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.options.redis.off('ready', this.onReady);
    this.drop(this.buffer.drain(), 'the store closed before Redis came back');
  }

  /** Sends batches until the buffer is empty or Redis fails; true if it failed (the retry timer takes over). */
  private async runFlush(): Promise<boolean> {
    let sent = 0;
    while (this.buffer.size > 0 && !this.closed) {
      if (this.options.redis.status !== 'ready') {
        this.retrySoon();
        return true;
      }
      const batch = this.buffer.take(FLUSH_BATCH);
      this.sending = batch.length;
      try {
        await this.send(batch);
      } catch {
        this.sending = 0;
        this.options.onFailure();
        this.drop(this.buffer.restore(batch), `write buffer full (limit ${this.buffer.limit})`);
        this.retrySoon();
        return true;
      }
      this.sending = 0;
      sent += batch.length;
      this.flushed += batch.length;
    }
    if (sent > 0 && this.buffer.size === 0) {
      this.options.onEvent({ code: 'PROFILE_WRITES_FLUSHED', detail: `${sent} held writes sent to Redis` });
    }
    return false;
  }

  private drop(writes: readonly PendingWrite[], why: string): void {
    for (const w of writes) {
      this.dropped++;
      this.options.onEvent({
        code: 'PROFILE_WRITE_DROPPED',
        subscriberId: w.subscriberId,
        detail: `${w.kind} dropped: ${why}`,
      });
    }
  }

  private retrySoon(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.options.retryMs);
    this.retryTimer.unref();
  }
}
