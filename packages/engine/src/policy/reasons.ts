// The reason codes a contact policy verdict can carry, with one-line descriptions for the errors catalogue.

/** Why the contact policy dropped a candidate, as data: code -> description. */
export const policyReasons = {
  UNKNOWN_CHANNEL: 'The decision channel is not defined in the contact policy, so nothing may be sent on it',
  OPTED_OUT: 'The subscriber has not consented to this channel (channels are opt-in)',
  NO_MARKETING_CONSENT: 'A non-mandatory action on a marketing channel needs the subscriber marketing consent',
  QUIET_HOURS: 'The local time in the subscriber time zone is inside the channel quiet hours',
  SUPPRESSED_AFTER_REJECTS: 'The subscriber rejected it too often recently; it is not offered again for a while',
  COOLDOWN: 'A recent contact (by default an impression) puts the same action, group or issue to rest',
  CAP_REACHED: 'A frequency cap over a sliding window is used up',
} as const;

export type PolicyReason = keyof typeof policyReasons;
