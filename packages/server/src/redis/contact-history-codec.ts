// How a contact record is stored in a subscriber's sorted set: a compact JSON array with a unique id first.
import { randomBytes } from 'node:crypto';
import type { ContactRecord } from '@arbiter/engine';

/**
 * Member layout, read by index in `lua/record-contact.lua` too:
 * `[uid, at, decisionId, actionId, issue, group, channel, outcome, mandatory (0|1)]`.
 * The subscriber id is in the key, so it is not repeated here.
 */
type Member = [string, number, string, string, string, string, string, ContactRecord['outcome'], 0 | 1];

/** Makes ids unique across processes (a random prefix) and cheap within one (a counter). */
export function uidSource(): () => string {
  const prefix = randomBytes(6).toString('base64url');
  let counter = 0;
  return () => `${prefix}${(counter++).toString(36)}`;
}

/** The sorted-set member for a record: the uid keeps two equal records apart, and makes a re-sent write a no-op. */
export function encodeContact(record: ContactRecord, uid: string): string {
  const member: Member = [
    uid,
    record.at,
    record.decisionId,
    record.actionId,
    record.issue,
    record.group,
    record.channel,
    record.outcome,
    record.mandatory ? 1 : 0,
  ];
  return JSON.stringify(member);
}

/** The record a member stores, for the subscriber whose key it came from. */
export function decodeContact(member: string, subscriberId: string): ContactRecord {
  const [, at, decisionId, actionId, issue, group, channel, outcome, mandatory] = JSON.parse(member) as Member;
  return { at, subscriberId, decisionId, actionId, issue, group, channel, outcome, mandatory: mandatory === 1 };
}
