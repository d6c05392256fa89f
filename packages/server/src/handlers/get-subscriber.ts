// The subscriber 360 view: profile attributes, features now, recent decisions and contact history, in one read.
import {
  type ContactRecord,
  computeFeatures,
  errorMessage,
  FEATURE_STATE_KEY,
  type FeatureState,
  type FeatureValue,
  readProfile,
} from '@arbiter/engine';
import type { RecentDecision } from '../runtime/recent-decisions.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

/** A contact history record with its time as ISO 8601. */
export type ContactEntry = Omit<ContactRecord, 'at'> & { at: string };

export interface SubscriberView {
  subscriberId: string;
  /** The profile's attributes (the feature state, `_features`, is left out: `features` has its values). */
  profile: Record<string, unknown>;
  /** Every declared feature the subscriber has state for, at the server clock. */
  features: Record<string, FeatureValue>;
  /** Decisions made by this server for the subscriber, newest first (at most 20, kept in memory). */
  recentDecisions: RecentDecision[];
  /** Contacts and outcomes, newest first. */
  contactHistory: ContactEntry[];
  /** What could not be read fresh: `PROFILE_FROM_CACHE`, `CONTACT_HISTORY_UNAVAILABLE` (with a detail). */
  degraded: { reason: string; detail: string }[];
}

/**
 * 200 with the 360 view; 404 SUBSCRIBER_NOT_FOUND; 503 PROFILE_STORE_UNAVAILABLE. Contact history that cannot be
 * read leaves the view standing (empty history, flagged in `degraded`): an agent still sees who is calling.
 *
 * @example const { body } = await getSubscriber(runtime, { subscriberId: 'SUB-90000001' });
 */
export function getSubscriber(
  runtime: Runtime,
  input: { subscriberId: string },
  _caller?: Caller,
): Promise<HandlerResult<SubscriberView>> {
  return guarded(async () => {
    const { subscriberId } = input;
    const config = runtime.config.current();
    const degraded: SubscriberView['degraded'] = [];
    let read: Awaited<ReturnType<typeof readProfile>>;
    try {
      read = await readProfile(runtime.profiles, subscriberId);
    } catch (error) {
      const message = `the profile store did not answer: ${errorMessage(error)}`;
      return failure({ code: 'PROFILE_STORE_UNAVAILABLE', message });
    }
    if (!read.profile) {
      return failure({ code: 'SUBSCRIBER_NOT_FOUND', message: `no profile for "${subscriberId}"`, field: 'id' });
    }
    if (read.degraded) degraded.push({ reason: 'PROFILE_FROM_CACHE', detail: read.detail ?? 'cached copy' });
    const { [FEATURE_STATE_KEY]: state, ...profile } = read.profile;
    let contactHistory: ContactEntry[] = [];
    try {
      const records = await runtime.history.load(subscriberId);
      contactHistory = records.map((r) => ({ ...r, at: new Date(r.at).toISOString() })).reverse();
    } catch (error) {
      const detail = `contact history did not answer: ${errorMessage(error)}`;
      degraded.push({ reason: 'CONTACT_HISTORY_UNAVAILABLE', detail });
    }
    return {
      status: 200,
      body: {
        subscriberId,
        profile,
        features: computeFeatures(config.features, state as FeatureState | undefined, runtime.clock()),
        recentDecisions: runtime.recent.get(subscriberId),
        contactHistory,
        degraded,
      },
    };
  });
}
