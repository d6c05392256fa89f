// Checks a decision or outcome request from outside: every field's type, unknown fields, known channel, limit range.
import type { ConfigSnapshot } from '../config/config-snapshot.js';
import type { Outcome } from '../policy/index.js';
import type { Profile } from '../population/index.js';
import { timeValue } from '../time-value.js';
import type { DecisionError, DecisionRequest, OutcomeRequest, OutcomeResult } from './decision-types.js';

const REQUEST_FIELDS = new Set(['subscriberId', 'profile', 'channel', 'context', 'limit', 'explain', 'now', 'scope']);
const SCOPE_FIELDS = ['issues', 'groups', 'actions'] as const;
const OUTCOME_FIELDS = new Set(['decisionId', 'actionId', 'outcome', 'at']);
export const OUTCOMES: readonly Outcome[] = ['impression', 'click', 'accept', 'reject', 'convert'];

export interface ValidRequest {
  subscriberId: string | undefined;
  profile: Profile | undefined;
  channel: string;
  context: Record<string, unknown>;
  limit: number;
  explain: boolean;
  now: number | undefined;
  /** Only these issues, groups and actions are candidates (each list optional); undefined = all. */
  scope: { issues?: ReadonlySet<string>; groups?: ReadonlySet<string>; actions?: ReadonlySet<string> } | undefined;
}

const fail = (code: DecisionError['code'], field: string | undefined, message: string): { error: DecisionError } => ({
  error: field === undefined ? { code, message } : { code, message, field },
});

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A valid request with defaults applied, or the first problem with the field at fault. */
export function validateDecisionRequest(
  request: unknown,
  config: ConfigSnapshot,
): { value: ValidRequest } | { error: DecisionError } {
  if (!isPlainObject(request)) return fail('INVALID_REQUEST', undefined, 'the request must be an object');
  const r = request as Partial<DecisionRequest> & Record<string, unknown>;
  for (const key in r) {
    if (!REQUEST_FIELDS.has(key)) return fail('INVALID_REQUEST', key, `unknown field "${key}"`);
  }
  if (typeof r.channel !== 'string') return fail('INVALID_REQUEST', 'channel', 'channel must be a string');
  if (!config.channelActions.has(r.channel)) {
    return fail('UNKNOWN_CHANNEL', 'channel', `unknown channel "${r.channel}" (known: ${config.channels.join(', ')})`);
  }
  if (r.profile !== undefined) {
    if (!isPlainObject(r.profile) || typeof r.profile.subscriberId !== 'string' || r.profile.subscriberId === '') {
      return fail('INVALID_REQUEST', 'profile', 'profile must be an object with a non-empty string subscriberId');
    }
  } else if (typeof r.subscriberId !== 'string' || r.subscriberId === '') {
    return fail('INVALID_REQUEST', 'subscriberId', 'give a non-empty string subscriberId, or a profile');
  }
  if (r.subscriberId !== undefined && typeof r.subscriberId !== 'string') {
    return fail('INVALID_REQUEST', 'subscriberId', 'subscriberId must be a string');
  }
  if (r.context !== undefined && !isPlainObject(r.context)) {
    return fail('INVALID_CONTEXT', 'context', 'context must be an object');
  }
  const { defaultLimit, maxLimit } = config.arbitration;
  if (r.limit !== undefined && (!Number.isInteger(r.limit) || r.limit < 1 || r.limit > maxLimit)) {
    return fail('INVALID_LIMIT', 'limit', `limit must be a whole number from 1 to ${maxLimit}`);
  }
  if (r.explain !== undefined && typeof r.explain !== 'boolean') {
    return fail('INVALID_REQUEST', 'explain', 'explain must be a boolean');
  }
  const now = parseTime(r.now);
  if (now === null)
    return fail(
      'INVALID_TIME',
      'now',
      'now must be epoch milliseconds (within 8.64e15 either side of 1970) or an ISO 8601 timestamp',
    );
  const scope = parseScope(r.scope, config);
  if ('error' in scope) return scope;
  return {
    value: {
      subscriberId: r.profile?.subscriberId ?? r.subscriberId,
      profile: r.profile,
      channel: r.channel,
      context: r.context ?? {},
      limit: r.limit ?? defaultLimit,
      explain: r.explain ?? false,
      now,
      scope: scope.value,
    },
  };
}

type ScopeNames = Record<'issues' | 'groups' | 'actions', ReadonlySet<string>>;
const scopeNamesByConfig = new WeakMap<ConfigSnapshot, ScopeNames>();

/** The names a scope may use, built once per config snapshot rather than on every scoped request (every trigger). */
function scopeNames(config: ConfigSnapshot): ScopeNames {
  let names = scopeNamesByConfig.get(config);
  if (!names) {
    names = {
      issues: new Set(config.sources.arbitration.issues),
      groups: new Set(config.actions.map((a) => a.group)),
      actions: new Set(config.actionById.keys()),
    };
    scopeNamesByConfig.set(config, names);
  }
  return names;
}

/** `scope: { issues?, groups?, actions? }`: lists of known names; an unknown name is an error, not a silent miss. */
function parseScope(
  value: unknown,
  config: ConfigSnapshot,
): { value: ValidRequest['scope'] } | { error: DecisionError } {
  if (value === undefined) return { value: undefined };
  if (!isPlainObject(value))
    return fail('INVALID_REQUEST', 'scope', 'scope must be an object with issues, groups or actions lists');
  const known = scopeNames(config);
  const out: NonNullable<ValidRequest['scope']> = {};
  for (const key in value) {
    if (!(SCOPE_FIELDS as readonly string[]).includes(key))
      return fail('INVALID_REQUEST', `scope.${key}`, `unknown field "scope.${key}"`);
  }
  for (const field of SCOPE_FIELDS) {
    const list = value[field];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      return fail('INVALID_REQUEST', `scope.${field}`, `scope.${field} must be a list of names`);
    }
    const unknown = list.find((name) => !known[field].has(name));
    if (unknown !== undefined)
      return fail('INVALID_REQUEST', `scope.${field}`, `unknown ${field.slice(0, -1)} "${unknown}" in scope`);
    out[field] = new Set(list);
  }
  return { value: out };
}

/** A valid outcome request, or the first problem with the field at fault. */
export function validateOutcomeRequest(
  request: unknown,
): { value: OutcomeRequest & { at: number | undefined } } | Extract<OutcomeResult, { ok: false }> {
  const bad = (
    code: 'INVALID_REQUEST' | 'INVALID_OUTCOME' | 'INVALID_TIME',
    field: string | undefined,
    message: string,
  ) => ({ ok: false, error: field === undefined ? { code, message } : { code, message, field } }) as const;
  if (!isPlainObject(request)) return bad('INVALID_REQUEST', undefined, 'the request must be an object');
  for (const key in request) if (!OUTCOME_FIELDS.has(key)) return bad('INVALID_REQUEST', key, `unknown field "${key}"`);
  const { decisionId, actionId, outcome } = request;
  if (typeof decisionId !== 'string' || decisionId === '')
    return bad('INVALID_REQUEST', 'decisionId', 'decisionId must be a non-empty string');
  if (typeof actionId !== 'string' || actionId === '')
    return bad('INVALID_REQUEST', 'actionId', 'actionId must be a non-empty string');
  if (!OUTCOMES.includes(outcome as Outcome)) {
    return bad('INVALID_OUTCOME', 'outcome', `outcome must be one of ${OUTCOMES.join(', ')}`);
  }
  const at = parseTime(request.at);
  if (at === null)
    return bad(
      'INVALID_TIME',
      'at',
      'at must be epoch milliseconds (within 8.64e15 either side of 1970) or an ISO 8601 timestamp',
    );
  return { value: { decisionId, actionId, outcome: outcome as Outcome, at } };
}

/** undefined when absent, null when present but not a time (or outside the range a Date can hold). */
function parseTime(value: unknown): number | undefined | null {
  return value === undefined ? undefined : (timeValue(value) ?? null);
}
