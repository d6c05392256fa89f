// Schema of the contact policy file (`contact-policy.yaml`): channels, consent, quiet hours, caps, cooldowns, suppression.
import { type Static, Type } from '@sinclair/typebox';

/**
 * Durations, clock times, zones, ids and `per` are plain strings here on purpose: `checkContactPolicy` validates them
 * with messages analysts can act on, which a JSON-schema pattern or union error cannot give.
 */
const Name = Type.String({ minLength: 1 });
const Duration = Type.String({ minLength: 1, description: 'a whole number and a unit: 500ms, 30s, 15m, 4h, 7d, 2w' });
const ClockTime = Type.String({ minLength: 1, description: 'HH:MM, 24-hour, in the subscriber time zone' });

/** Whose contacts a rule counts together: all of the subscriber's, or only those with the candidate's action/group/issue. */
export type PolicyPer = 'subscriber' | 'action' | 'group' | 'issue';
export const policyPerValues: readonly PolicyPer[] = ['subscriber', 'action', 'group', 'issue'];
const Per = Type.Unsafe<PolicyPer>(Type.String({ default: 'subscriber' }));

export const OutcomeSchema = Type.Union([
  Type.Literal('impression'),
  Type.Literal('click'),
  Type.Literal('accept'),
  Type.Literal('reject'),
  Type.Literal('convert'),
]);

/** A filter value: one name or a list of names. */
const NameOrList = Type.Union([Name, Type.Array(Name, { minItems: 1 })]);

/** The filters every rule may carry; a rule applies when each present filter matches the candidate. */
const filterFields = {
  channel: Type.Optional(NameOrList),
  issue: Type.Optional(NameOrList),
  group: Type.Optional(NameOrList),
  action: Type.Optional(NameOrList),
  per: Per,
};

export const QuietHoursSchema = Type.Object({ from: ClockTime, to: ClockTime }, { additionalProperties: false });

export const ChannelPolicySchema = Type.Object(
  {
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    /** Key in `profile.consent` that must be `true` to use the channel at all (opt-in). */
    consent: Type.Optional(Name),
    quietHours: Type.Optional(QuietHoursSchema),
  },
  { additionalProperties: false },
);

export const CapSchema = Type.Object(
  { id: Name, ...filterFields, max: Type.Integer({ minimum: 0 }), window: Duration },
  { additionalProperties: false },
);

export const CooldownSchema = Type.Object(
  { id: Name, ...filterFields, after: Type.Union(OutcomeSchema.anyOf, { default: 'impression' }), duration: Duration },
  { additionalProperties: false },
);

export const SuppressionSchema = Type.Object(
  { id: Name, ...filterFields, rejects: Type.Integer({ minimum: 1 }), within: Duration, for: Duration },
  { additionalProperties: false },
);

export const ContactPolicySchema = Type.Object(
  {
    /** Used when `profile.timeZone` is missing or not a zone Intl knows. */
    defaultTimeZone: Type.String({ minLength: 1, default: 'UTC' }),
    channels: Type.Record(Name, ChannelPolicySchema),
    marketingConsent: Type.Optional(
      Type.Object({ key: Name, channels: Type.Array(Name, { default: [] }) }, { additionalProperties: false }),
    ),
    caps: Type.Array(CapSchema, { default: [] }),
    cooldowns: Type.Array(CooldownSchema, { default: [] }),
    suppression: Type.Array(SuppressionSchema, { default: [] }),
  },
  { additionalProperties: false },
);

export type ContactPolicyConfig = Static<typeof ContactPolicySchema>;
export type ChannelPolicy = Static<typeof ChannelPolicySchema>;
export type CapConfig = Static<typeof CapSchema>;
export type CooldownConfig = Static<typeof CooldownSchema>;
export type SuppressionConfig = Static<typeof SuppressionSchema>;
