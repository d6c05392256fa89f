// The event handler: fold an event into the subscriber's features, run the triggers it fires, tell subscribers.
import type { FeatureValue, TriggerResult } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

/** What POST /v1/events answers (202): the feature values after the event and what each trigger did. */
export interface IngestAnswer {
  /** The event id was seen before: nothing was applied and no trigger ran. */
  duplicate?: true;
  features: Record<string, FeatureValue>;
  /** Features of this event type that could not take it, and why. */
  skipped?: { feature: string; reason: string }[];
  triggers: TriggerResult[];
}

/**
 * `input` is a SubscriberEvent as the producer sent it (the engine checks it). After a new event is applied and
 * its triggers ran, `runtime.events` emits `profile-changed`, so an agent's stream decides on the fresh profile
 * (and sees any contact a trigger just recorded).
 *
 * @example await ingestEvent(runtime, { id: 'e1', type: 'usage.data', subscriberId: 'SUB-00000001', time: Date.now(), data: { pct: 85 } });
 */
export function ingestEvent(runtime: Runtime, input: unknown, _caller?: Caller): Promise<HandlerResult<IngestAnswer>> {
  return guarded(async () => {
    // Taken together, synchronously: the runner is the one over this engine's snapshot.
    const engine = runtime.engine();
    const runner = runtime.runner();
    const result = await engine.ingest(input);
    if (!result.ok) return failure(result.error);
    const triggers = await runner.onIngest(result);
    const body: IngestAnswer = { features: result.features, triggers };
    if (result.duplicate) body.duplicate = true;
    if (result.skipped) body.skipped = result.skipped;
    if (!result.duplicate) runtime.events.emit('profile-changed', result.event.subscriberId);
    return { status: 202, body };
  });
}
