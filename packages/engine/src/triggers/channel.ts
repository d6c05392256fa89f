// Outbound delivery: the Channel interface a triggered or campaign send goes through (SMS gateway, webhook, stream).
import type { Treatment } from '../config/actions-schema.js';

/** One message to send: what, to whom, and an idempotency key so a retried send is not sent twice. */
export interface OutboundMessage {
  /** `<decisionId>:<actionId>`: the same message always has the same key, so receivers can drop repeats. */
  idempotencyKey: string;
  subscriberId: string;
  msisdn?: string;
  channel: string;
  actionId: string;
  decisionId: string;
  triggerId?: string;
  /** The campaign that sent it (campaign runs). */
  campaignId?: string;
  treatment: Treatment;
  /** When it was decided (ISO 8601). */
  at: string;
}

export type DeliveryResult = { ok: true } | { ok: false; error: string };

/** A way out to the subscriber. Delivery may retry inside; the result is final. */
export interface Channel {
  /** The contact-policy channel it serves (sms, push, email, ...). */
  readonly name: string;
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}
