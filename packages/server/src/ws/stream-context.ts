// What every part of the stream server shares: the runtime, the subscriptions, the limits and the counters.

import { errorMessage } from '@arbiter/engine';
import type { HandlerReply, Role, StreamEvent, StreamRuntime, StreamStats } from './stream-types.js';
import type { SubscriptionRegistry } from './subscription-registry.js';

export interface StreamLimits {
  maxSubscriptions: number;
  maxInFlight: number;
  maxDepth: number;
}

export interface StreamContext {
  runtime: StreamRuntime;
  registry: SubscriptionRegistry;
  limits: StreamLimits;
  stats: StreamStats;
  roleAllows(callerRole: Role, requiredRole: Role): boolean;
  /** Counts a stream event in the stats and the metrics. */
  count(event: StreamEvent): void;
  /** Tracks work that outlives its message (decisions in flight), so close() can wait for it. */
  track(work: Promise<unknown>): void;
}

/** The runtime's decide, with a throw (which a handler must not do) turned into a 500 answer. */
export async function decideSafely(
  context: StreamContext,
  body: unknown,
  caller: Parameters<StreamRuntime['decide']>[1],
): Promise<HandlerReply> {
  try {
    return await context.runtime.decide(body, caller);
  } catch (thrown) {
    return {
      status: 500,
      body: { error: { code: 'INTERNAL', message: errorMessage(thrown) } },
    };
  }
}

/** The `{ code, message, field? }` of a handler's error body, or INTERNAL when the body has none. */
export function errorOf(reply: HandlerReply): { code: string; message: string; field?: string } {
  const error = (reply.body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string') {
    const result: { code: string; message: string; field?: string } = {
      code: error.code,
      message: typeof error.message === 'string' ? error.message : error.code,
    };
    if (typeof error.field === 'string') result.field = error.field;
    return result;
  }
  return { code: 'INTERNAL', message: `The decide handler answered ${reply.status} without an error body.` };
}
