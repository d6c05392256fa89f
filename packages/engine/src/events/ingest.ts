// The event path: validate -> time bounds -> dedupe -> profile -> fold into features -> write back -> feature values.
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import { errorMessage } from '../error-message.js';
import {
  computeFeatures,
  FEATURE_STATE_KEY,
  type FeatureSkipReason,
  type FeatureState,
  type FeatureValue,
  foldEvent,
} from '../features/index.js';
import { formatDuration } from '../policy/duration.js';
import type { Profile } from '../population/index.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import { type EventDedupe, InMemoryEventDedupe } from './event-dedupe.js';
import { KeyedQueue } from './keyed-queue.js';
import { type EventError, type SubscriberEvent, validateEvent } from './subscriber-event.js';

/** What to do with an event for a subscriber the profile store does not know. */
export type UnknownSubscriberPolicy = 'reject' | 'create';

export interface IngestDeps {
  config: ConfigSnapshot;
  profiles: ProfileStore;
  clock: () => number;
  dedupe: EventDedupe;
  queue: KeyedQueue;
  /** Default `reject` (SUBSCRIBER_NOT_FOUND); `create` starts a profile holding only the subscriberId and features. */
  unknownSubscriber: UnknownSubscriberPolicy;
}

/** An applied (or duplicate) event: what a trigger layer needs to evaluate triggers after the ingest. */
export interface IngestSuccess {
  ok: true;
  /** The event id was seen before: nothing was applied, and triggers must not fire again. */
  duplicate?: true;
  /** The normalised event (time in epoch ms, data an object). */
  event: SubscriberEvent;
  /** The subscriber's profile after the event, feature state included (as written to the profile store). */
  profile: Profile;
  /** The value of every declared feature the subscriber has state for, at the engine's clock. */
  features: Record<string, FeatureValue>;
  /** Features of this event type that did not take it, and why (a missing field, a value outside the window). */
  skipped?: { feature: string; reason: FeatureSkipReason }[];
}

export type IngestResult = IngestSuccess | { ok: false; error: EventError };

/** One event. Problems come back as results; only a bug can throw (the engine catches it). */
export async function ingest(deps: IngestDeps, input: unknown): Promise<IngestResult> {
  const valid = validateEvent(input);
  if ('error' in valid) return { ok: false, error: valid.error };
  const event = valid.value;
  const now = deps.clock();
  const { latenessMs, clockSkewMs } = deps.config.features;
  if (event.time < now - latenessMs) {
    const message = `the event is ${formatDuration(now - event.time)} old; events are applied up to ${formatDuration(latenessMs)} late (features.yaml lateness)`;
    return { ok: false, error: { code: 'EVENT_TOO_LATE', message, field: 'time' } };
  }
  if (event.time > now + clockSkewMs) {
    const message = `the event is ${formatDuration(event.time - now)} ahead of the engine clock; at most ${formatDuration(clockSkewMs)} (features.yaml clockSkew)`;
    return { ok: false, error: { code: 'EVENT_IN_FUTURE', message, field: 'time' } };
  }

  // The claim is made inside the subscriber's queue, so a copy arriving while the first is applied waits for
  // its outcome: a duplicate if it was applied, a retry if it failed (and released the id).
  return deps.queue.run(event.subscriberId, async () => {
    let fresh: boolean;
    try {
      fresh = await deps.dedupe.claim(event.id, now);
    } catch (error) {
      const message = `event dedupe failed: ${errorMessage(error)}`;
      return { ok: false, error: { code: 'EVENT_DEDUPE_UNAVAILABLE', message } };
    }
    const result = await apply(deps, event, now, !fresh);
    if (!result.ok && fresh) {
      // Not applied: let the producer's retry through. A failing release only makes that retry a duplicate.
      try {
        await deps.dedupe.release(event.id);
      } catch {}
    }
    return result;
  });
}

async function apply(deps: IngestDeps, event: SubscriberEvent, now: number, duplicate: boolean): Promise<IngestResult> {
  const { config } = deps;
  let profile: Profile | undefined;
  try {
    profile = await deps.profiles.get(event.subscriberId);
  } catch (error) {
    return {
      ok: false,
      error: { code: 'PROFILE_STORE_UNAVAILABLE', message: `profile store failed: ${errorMessage(error)}` },
    };
  }
  if (!profile) {
    if (deps.unknownSubscriber === 'reject') {
      const message = `no profile for "${event.subscriberId}"`;
      return { ok: false, error: { code: 'SUBSCRIBER_NOT_FOUND', message, field: 'subscriberId' } };
    }
    profile = { subscriberId: event.subscriberId };
  }
  const state = profile[FEATURE_STATE_KEY] as FeatureState | undefined;
  if (duplicate) {
    return { ok: true, duplicate: true, event, profile, features: computeFeatures(config.features, state, now) };
  }

  const folded = foldEvent(config.features, state, event, now);
  if (folded.state !== state) {
    // The key first, then the attributes, then the new state: not `{ ...profile, [key]: state }`, which V8 makes a
    // new hidden class for on every call (see decisionFacts).
    const next: Profile = { [FEATURE_STATE_KEY]: undefined, ...profile };
    next[FEATURE_STATE_KEY] = folded.state;
    profile = next;
    try {
      await deps.profiles.put(profile);
    } catch (error) {
      return {
        ok: false,
        error: { code: 'PROFILE_STORE_UNAVAILABLE', message: `profile store failed to write: ${errorMessage(error)}` },
      };
    }
  }
  const result: IngestSuccess = {
    ok: true,
    event,
    profile,
    features: computeFeatures(config.features, folded.state, now),
  };
  if (folded.skipped.length > 0) result.skipped = folded.skipped;
  return result;
}

/** The engine's event options (`createEngine({ events })`). */
export interface EventOptions {
  /** Where applied event ids are remembered (default: in memory, `dedupeSize` ids for lateness + clock skew). */
  dedupe?: EventDedupe;
  /** Ids the default in-memory dedupe remembers (default 100,000). */
  dedupeSize?: number;
  /** An event for a subscriber without a profile: `reject` (default, SUBSCRIBER_NOT_FOUND) or `create` one. */
  unknownSubscriber?: UnknownSubscriberPolicy;
}

/** The ingest dependencies of one engine: its config, store and clock, a dedupe and a per-subscriber queue. */
export function ingestDeps(
  base: { config: ConfigSnapshot; profiles: ProfileStore; clock: () => number },
  options: EventOptions = {},
): IngestDeps {
  const { latenessMs, clockSkewMs } = base.config.features;
  return {
    ...base,
    dedupe: options.dedupe ?? new InMemoryEventDedupe({ maxIds: options.dedupeSize, ttlMs: latenessMs + clockSkewMs }),
    queue: new KeyedQueue(),
    unknownSubscriber: options.unknownSubscriber ?? 'reject',
  };
}
