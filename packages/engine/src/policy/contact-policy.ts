// The compiled contact policy: built once per config snapshot, asked once per decision with `begin()`.
import { type CapSpec, capSpecsFor } from './cap-spec.js';
import { type ChannelPlan, compileRules, planChannel } from './channel-plan.js';
import { checkContactPolicy } from './check-contact-policy.js';
import { formatClockTime } from './clock-time.js';
import { ContactPolicyError } from './config-problem.js';
import type { ContactRecord } from './contact-history.js';
import { ChannelEvaluation, type PolicyEvaluation } from './policy-evaluation.js';
import type { PolicyCandidate, PolicyVerdict } from './policy-verdict.js';
import { isQuiet, localMsOfDay, quietUntil } from './quiet-hours.js';
import type { ChannelPolicy, ContactPolicyConfig } from './schema.js';
import { isValidTimeZone, utcOffsetMs } from './time-zone.js';

/** The profile attributes the policy reads; any profile record fits. */
export interface PolicyProfile {
  /** IANA zone, the visited one when roaming; the policy's default zone when missing or unknown. */
  readonly timeZone?: unknown;
  /** Opt-ins: `{ marketing, sms, email, push }`; only `true` counts as consent. */
  readonly consent?: unknown;
}

/** What one decision tells the policy. `history` is the subscriber's contact records, in any order. */
export interface PolicyDecisionInput {
  readonly channel: string;
  /** epoch ms; the decision's clock, never read from the wall clock here */
  readonly now: number;
  readonly profile: PolicyProfile;
  readonly history: readonly ContactRecord[];
}

/** A compiled contact policy; immutable and shared by every decision. */
export interface ContactPolicy {
  /** The longest span any rule looks back over, in ms: older history cannot change a verdict, so stores may trim it. */
  readonly horizonMs: number;
  readonly defaultTimeZone: string;
  /** Every channel the policy defines, with its direction, consent and quiet hours. */
  readonly channels: ReadonlyMap<string, Readonly<ChannelPolicy>>;
  /** Starts one decision: consent, local time and quiet hours are settled here, once, for all candidates. */
  begin(input: PolicyDecisionInput): PolicyEvaluation;
  /**
   * The limits a store must check when it reserves a contact for this candidate on this channel (see
   * `ContactHistory.reserve`): its cooldowns, then its caps (none for a mandatory candidate), in file order.
   * Empty for a channel the policy does not define.
   */
  capsFor(candidate: PolicyCandidate, channel: string): readonly CapSpec[];
}

/**
 * Compiles a contact policy that passed its schema (defaults applied). Throws `ContactPolicyError` listing every
 * problem `checkContactPolicy` finds.
 *
 * Semantics, in the order a candidate is checked (the first block wins):
 * - UNKNOWN_CHANNEL, OPTED_OUT (channel consent is opt-in: only `consent[key] === true`): every candidate.
 * - NO_MARKETING_CONSENT: non-mandatory candidates on the marketing channels.
 * - QUIET_HOURS: every candidate, `from` inclusive to `to` exclusive, local time in `profile.timeZone`.
 * - then suppression (non-mandatory candidates only), cooldowns (every candidate), caps (non-mandatory only),
 *   each in file order. Mandatory actions bypass caps and suppression but still rest after a contact (cooldowns),
 *   so a notice is not re-sent on every decision; a mandatory record never counts toward a cap, but starts a cooldown.
 * - Windows are sliding and open at the old end: a record exactly `window` old no longer counts.
 *   Caps count `impression`s; cooldowns the `after` outcome; suppression `reject`s.
 * - `per` buckets the records: `subscriber` (default) counts every record that matches the rule's filters,
 *   `action`/`group`/`issue` only those with the candidate's action/group/issue.
 *
 * @example
 * const policy = compileContactPolicy(config);
 * const evaluation = policy.begin({ channel: 'sms', now, profile, history });
 * const verdict = evaluation.check({ actionId: 'roam-2gb', issue: 'Growth', group: 'Roaming', mandatory: false });
 */
export function compileContactPolicy(config: ContactPolicyConfig): ContactPolicy {
  const problems = checkContactPolicy(config);
  if (problems.length > 0) throw new ContactPolicyError(problems);
  const rules = compileRules(config);
  const plans = new Map<string, ChannelPlan>();
  const channels = new Map<string, Readonly<ChannelPolicy>>();
  const limits = new Map<string, (candidate: PolicyCandidate) => readonly CapSpec[]>();
  for (const [name, settings] of Object.entries(config.channels)) {
    const plan = planChannel(config, rules, name);
    plans.set(name, plan);
    channels.set(name, settings);
    limits.set(name, capSpecsFor(plan.caps, plan.cooldowns));
  }
  const defaultTimeZone = config.defaultTimeZone ?? 'UTC';

  return {
    horizonMs: rules.horizonMs,
    defaultTimeZone,
    channels,
    begin({ channel, now, profile, history }) {
      const plan = plans.get(channel);
      if (plan === undefined) return new UnknownChannelEvaluation(channel);
      const consent = profile.consent;
      const blocked = plan.consentKey !== undefined && !consented(consent, plan.consentKey) ? plan.optedOut : undefined;
      const marketing =
        plan.marketingKey !== undefined && !consented(consent, plan.marketingKey) ? plan.noMarketingConsent : undefined;
      let quiet: PolicyVerdict | undefined;
      if (plan.quietHours !== undefined && blocked === undefined) {
        const zone = isValidTimeZone(profile.timeZone) ? profile.timeZone : defaultTimeZone;
        const offset = utcOffsetMs(zone, now);
        const msOfDay = localMsOfDay(now, offset);
        if (isQuiet(plan.quietHours, msOfDay)) {
          quiet = {
            reason: 'QUIET_HOURS',
            detail: `quiet hours ${plan.quietHours.label} ${zone}, local time ${formatClockTime(msOfDay)}`,
            until: quietUntil(plan.quietHours, zone, now, offset, msOfDay),
          };
        }
      }
      return new ChannelEvaluation(plan, now, history, blocked, marketing, quiet);
    },
    capsFor(candidate, channel) {
      return limits.get(channel)?.(candidate) ?? NO_LIMITS;
    },
  };
}

const NO_LIMITS: readonly CapSpec[] = Object.freeze([]);

function consented(consent: unknown, key: string): boolean {
  // Opt-in: a missing consent object or key is no consent.
  return typeof consent === 'object' && consent !== null && (consent as Record<string, unknown>)[key] === true;
}

/** A channel the policy does not define: nothing may be sent on it. */
class UnknownChannelEvaluation implements PolicyEvaluation {
  readonly channel: string;
  private readonly verdict: PolicyVerdict;

  constructor(channel: string) {
    this.channel = channel;
    this.verdict = { reason: 'UNKNOWN_CHANNEL', detail: `channel "${channel}" is not defined in the contact policy` };
  }

  check(): PolicyVerdict {
    return this.verdict;
  }
}
