// Fresh recommendations for a subscription: one decision at a time, changes meanwhile folded into one more, drops counted.
import type { StreamConnection } from './stream-connection.js';
import { decideSafely, errorOf, type StreamContext } from './stream-context.js';
import type { Subscription } from './subscription-registry.js';

/** The decision request a subscription stands for. */
export function subscriptionRequest(subscription: Subscription): Record<string, unknown> {
  const request: Record<string, unknown> = { subscriberId: subscription.subscriberId, channel: subscription.channel };
  if (subscription.limit !== undefined) request.limit = subscription.limit;
  return request;
}

/**
 * The subscriber's profile changed: decide again and push. A client that is behind gets nothing now (the push is
 * dropped and counted, not queued) and fresh recommendations once its socket drains, so a slow agent desktop costs
 * at most one decision per drain, however many events arrive.
 */
export function refresh(context: StreamContext, subscription: Subscription): void {
  const { connection } = subscription;
  if (connection.closed || !subscription.active) return;
  if (subscription.running) {
    subscription.again = true;
    return;
  }
  if (connection.pushesHeld()) {
    drop(context, subscription);
    return;
  }
  subscription.running = true;
  context.track(run(context, subscription));
}

/** Pushes a decision already made (the first one, made for the subscribe answer). */
export function deliver(context: StreamContext, subscription: Subscription, status: number, body: unknown): void {
  const { connection, subscriberId, binary } = subscription;
  if (connection.closed || !subscription.active) return;
  if (status === 200) {
    if (connection.push({ type: 'recommendations', subscriberId, decision: body }, binary)) context.count('push');
    else drop(context, subscription);
    return;
  }
  // The agent desktop should know its recommendations are stale (a store down, say); an error push is not dropped.
  context.count('push-failed');
  connection.answer({ type: 'error', subscriberId, error: errorOf({ status, body }) }, binary);
}

/** After a drain: subscriptions that missed pushes get fresh recommendations, while the client keeps up. */
export function catchUp(context: StreamContext, connection: StreamConnection): void {
  for (const subscription of connection.subscriptions.values()) {
    if (connection.pushesHeld()) return;
    if (!subscription.missed) continue;
    subscription.missed = false;
    refresh(context, subscription);
  }
}

/** Once the first decision is answered: a change that came while it was made is decided again. */
export function settle(context: StreamContext, subscription: Subscription): void {
  subscription.running = false;
  if (subscription.again) {
    subscription.again = false;
    refresh(context, subscription);
  }
}

async function run(context: StreamContext, subscription: Subscription): Promise<void> {
  const reply = await decideSafely(context, subscriptionRequest(subscription), subscription.connection.caller);
  deliver(context, subscription, reply.status, reply.body);
  settle(context, subscription);
}

function drop(context: StreamContext, subscription: Subscription): void {
  subscription.missed = true;
  context.count('push-dropped');
}
