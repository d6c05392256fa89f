// Profile writes held while Redis is unreachable: bounded, newest write per subscriber, oldest dropped and counted.
import type { Profile } from '@arbiter/engine';

/** A write waiting for Redis: a put (with its encoded bytes) or a delete. `seq` orders writes of one process. */
export type PendingWrite =
  | { kind: 'put'; subscriberId: string; profile: Profile; bytes: Buffer; seq: number }
  | { kind: 'delete'; subscriberId: string; seq: number };

/**
 * At most `limit` subscribers' writes, in the order they were made. A newer write for a subscriber replaces the
 * older one (only the last value matters to Redis). Past the limit the oldest write is dropped, and the caller is
 * told which, so it can count and report it.
 */
export class WriteBuffer {
  private pending = new Map<string, PendingWrite>();

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`write buffer limit must be a positive integer`);
  }

  /** Holds a write unless a newer one for the subscriber is already held; returns the writes dropped to make room. */
  add(write: PendingWrite): PendingWrite[] {
    const held = this.pending.get(write.subscriberId);
    if (held && held.seq > write.seq) return [];
    this.pending.delete(write.subscriberId);
    this.pending.set(write.subscriberId, write);
    return this.trim();
  }

  get(subscriberId: string): PendingWrite | undefined {
    return this.pending.get(subscriberId);
  }

  /** Forgets a held write older than `seq`: a newer write for that subscriber reached Redis. */
  settled(subscriberId: string, seq: number): void {
    const held = this.pending.get(subscriberId);
    if (held && held.seq < seq) this.pending.delete(subscriberId);
  }

  /** Removes and returns up to `count` of the oldest writes, for one flush batch. */
  take(count: number): PendingWrite[] {
    const batch: PendingWrite[] = [];
    for (const write of this.pending.values()) {
      if (batch.length === count) break;
      batch.push(write);
    }
    for (const write of batch) this.pending.delete(write.subscriberId);
    return batch;
  }

  /** Puts a failed batch back in front, except writes superseded meanwhile; returns the writes dropped to make room. */
  restore(batch: readonly PendingWrite[]): PendingWrite[] {
    const newer = this.pending;
    this.pending = new Map();
    for (const write of batch) if (!newer.has(write.subscriberId)) this.pending.set(write.subscriberId, write);
    for (const [id, write] of newer) this.pending.set(id, write);
    return this.trim();
  }

  /** Empties the buffer, returning what it held (oldest first). */
  drain(): PendingWrite[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    return all;
  }

  get size(): number {
    return this.pending.size;
  }

  private trim(): PendingWrite[] {
    const dropped: PendingWrite[] = [];
    while (this.pending.size > this.limit) {
      const oldest = this.pending.values().next().value as PendingWrite;
      this.pending.delete(oldest.subscriberId);
      dropped.push(oldest);
    }
    return dropped;
  }
}
