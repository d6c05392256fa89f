// The filters and `per` keys that caps, cooldowns and suppression rules share, compiled to sets and key functions.
import type { PolicyPer } from './schema.js';

/** What a rule filters and keys on: a candidate and a contact record both carry these. */
export interface Keyed {
  readonly actionId: string;
  readonly issue: string;
  readonly group: string;
}

/** A rule's filters; an absent filter matches everything. */
export interface RuleFilter {
  readonly channels: ReadonlySet<string> | undefined;
  readonly issues: ReadonlySet<string> | undefined;
  readonly groups: ReadonlySet<string> | undefined;
  readonly actions: ReadonlySet<string> | undefined;
}

interface FilterFields {
  readonly channel?: string | readonly string[] | undefined;
  readonly issue?: string | readonly string[] | undefined;
  readonly group?: string | readonly string[] | undefined;
  readonly action?: string | readonly string[] | undefined;
}

/** Compiles a rule's `channel`/`issue`/`group`/`action` filters, each a name or a list. */
export function compileFilter(rule: FilterFields): RuleFilter {
  return {
    channels: toSet(rule.channel),
    issues: toSet(rule.issue),
    groups: toSet(rule.group),
    actions: toSet(rule.action),
  };
}

function toSet(value: string | readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(typeof value === 'string' ? [value] : value);
}

/** Whether the rule is about the channel at all; checked once per channel at compile time. */
export function appliesToChannel(filter: RuleFilter, channel: string): boolean {
  return filter.channels === undefined || filter.channels.has(channel);
}

/** Whether the rule applies to a candidate on a channel the rule already applies to. */
export function matchesCandidate(filter: RuleFilter, candidate: Keyed): boolean {
  return (
    (filter.actions === undefined || filter.actions.has(candidate.actionId)) &&
    (filter.issues === undefined || filter.issues.has(candidate.issue)) &&
    (filter.groups === undefined || filter.groups.has(candidate.group))
  );
}

/** Whether a contact record falls under the rule's filters, and so may count toward it. */
export function matchesRecord(filter: RuleFilter, record: Keyed & { readonly channel: string }): boolean {
  return (filter.channels === undefined || filter.channels.has(record.channel)) && matchesCandidate(filter, record);
}

/** Maps a candidate or record to the bucket it is counted in; `subscriber` puts everything in one bucket. */
export type KeyOf = (item: Keyed) => string;

const byAction: KeyOf = (item) => item.actionId;
const byGroup: KeyOf = (item) => item.group;
const byIssue: KeyOf = (item) => item.issue;
const bySubscriber: KeyOf = () => '';

/** The key function for a rule's `per`. */
export function keyOf(per: PolicyPer): KeyOf {
  switch (per) {
    case 'action':
      return byAction;
    case 'group':
      return byGroup;
    case 'issue':
      return byIssue;
    default:
      return bySubscriber;
  }
}
