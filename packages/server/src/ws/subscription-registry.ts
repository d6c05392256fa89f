// Which connections follow which subscriber, and the one 'profile-changed' listener, attached only while any do.
import type { StreamConnection } from './stream-connection.js';
import type { ProfileChangedEvents } from './stream-types.js';

/** One connection following one subscriber. */
export interface Subscription {
  connection: StreamConnection;
  subscriberId: string;
  channel: string;
  limit?: number;
  /** Pushes use the frame type of the subscribe message. */
  binary: boolean;
  /** Removed (unsubscribed, replaced or closed): late answers are thrown away. */
  active: boolean;
  /** A decision for it is being made; a change meanwhile sets `again` instead of starting a second one. */
  running: boolean;
  again: boolean;
  /** A push was dropped for backpressure: the next drain sends fresh recommendations. */
  missed: boolean;
}

export const PROFILE_CHANGED = 'profile-changed' as const;

/**
 * One listener on the runtime's emitter for the whole server, added with the first subscription and removed with the
 * last, so neither many sockets (MaxListenersExceededWarning) nor closed ones leave listeners behind.
 */
export class SubscriptionRegistry {
  private readonly bySubscriber = new Map<string, Set<Subscription>>();
  private count = 0;

  constructor(
    private readonly events: ProfileChangedEvents,
    private readonly onChange: (subscription: Subscription) => void,
  ) {}

  /** How many subscriptions, over all connections. */
  get size(): number {
    return this.count;
  }

  add(subscription: Subscription): void {
    let set = this.bySubscriber.get(subscription.subscriberId);
    if (!set) {
      set = new Set();
      this.bySubscriber.set(subscription.subscriberId, set);
    }
    set.add(subscription);
    subscription.connection.subscriptions.set(subscription.subscriberId, subscription);
    if (this.count++ === 0) this.events.on(PROFILE_CHANGED, this.listener);
  }

  remove(subscription: Subscription): void {
    if (!subscription.active) return;
    subscription.active = false;
    const { connection, subscriberId } = subscription;
    if (connection.subscriptions.get(subscriberId) === subscription) connection.subscriptions.delete(subscriberId);
    const set = this.bySubscriber.get(subscriberId);
    if (set?.delete(subscription) && set.size === 0) this.bySubscriber.delete(subscriberId);
    if (--this.count === 0) this.events.off(PROFILE_CHANGED, this.listener);
  }

  /** Everything a closing connection followed. */
  removeAll(connection: StreamConnection): void {
    for (const subscription of [...connection.subscriptions.values()]) this.remove(subscription);
  }

  /** Runs inside the runtime's emit (an event ingest): it must never throw into it. */
  private readonly listener = (subscriberId: string): void => {
    if (typeof subscriberId !== 'string') return;
    const set = this.bySubscriber.get(subscriberId);
    if (!set) return;
    for (const subscription of [...set]) {
      try {
        this.onChange(subscription);
      } catch {
        // onChange only schedules work and guards its own; nothing here may reach the ingest path.
      }
    }
  };
}
