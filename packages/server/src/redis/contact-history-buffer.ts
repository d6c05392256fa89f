// The outage buffer of the Redis contact history: records accepted while Redis was away, oldest first, bounded.

/** A contact record ready to write: its key, its encoded member (with its uid, so a re-sent write is a no-op). */
export interface PendingContact {
  readonly subscriberId: string;
  readonly key: string;
  readonly member: string;
  readonly at: number;
}

/**
 * A bounded FIFO of pending writes. When full, a push drops the oldest record (the caller counts and reports it);
 * it also keeps a count per subscriber, so a read can tell whether any of that subscriber's records still wait.
 */
export class ContactBuffer {
  #items: PendingContact[] = [];
  #head = 0;
  readonly #perSubscriber = new Map<string, number>();

  constructor(readonly limit: number) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds at the tail; when the buffer is full the oldest record goes first, and is returned. */
  push(item: PendingContact): PendingContact | undefined {
    const dropped = this.length >= this.limit ? this.#take() : undefined;
    this.#items.push(item);
    this.#perSubscriber.set(item.subscriberId, (this.#perSubscriber.get(item.subscriberId) ?? 0) + 1);
    return dropped;
  }

  /** The oldest `count` records, left in place until `shift` says they were written. */
  peek(count: number): PendingContact[] {
    return this.#items.slice(this.#head, this.#head + count);
  }

  /** Removes the oldest `count` records. */
  shift(count: number): void {
    for (let i = 0; i < count && this.length > 0; i++) this.#take();
  }

  /** How many of the subscriber's records wait. */
  pendingFor(subscriberId: string): number {
    return this.#perSubscriber.get(subscriberId) ?? 0;
  }

  /** The subscriber's waiting records, oldest first (a scan: only called when `pendingFor` is not 0). */
  entriesFor(subscriberId: string): PendingContact[] {
    const found: PendingContact[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (item.subscriberId === subscriberId) found.push(item);
    }
    return found;
  }

  #take(): PendingContact {
    const item = this.#items[this.#head]!;
    this.#head++;
    const left = (this.#perSubscriber.get(item.subscriberId) ?? 1) - 1;
    if (left === 0) this.#perSubscriber.delete(item.subscriberId);
    else this.#perSubscriber.set(item.subscriberId, left);
    // Reclaim the consumed front now and then, so shifting stays O(1) on average.
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
