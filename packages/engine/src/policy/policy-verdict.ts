// What the contact policy is asked about (a candidate) and what it answers when the answer is no (a verdict).
import type { PolicyReason } from './reasons.js';

/** An action considered on the decision's channel. */
export interface PolicyCandidate {
  readonly actionId: string;
  readonly issue: string;
  readonly group: string;
  /** Service and regulatory actions: bypass caps, cooldowns, suppression and marketing consent. */
  readonly mandatory: boolean;
}

/** Why a candidate may not be contacted now, precise enough to show an analyst or an agent. */
export interface PolicyVerdict {
  readonly reason: PolicyReason;
  /** The id of the cap, cooldown or suppression rule that blocked. */
  readonly rule?: string;
  /** A human sentence: `cap sms-per-day: 1 of 1 contacts in 1d`. */
  readonly detail: string;
  /** Contacts (caps) or rejects (suppression) counted. */
  readonly count?: number;
  /** The cap's max or the suppression's reject threshold. */
  readonly limit?: number;
  /** Epoch ms when the block lifts, where it is known. */
  readonly until?: number;
}
