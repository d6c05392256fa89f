// Cross-file checks the schemas cannot express: unique ids, references to issues, groups, channels and models.
import { type ActionSpec, SMS_MAX_CHARS, treatmentFields } from './actions-schema.js';
import type { ArbitrationFile } from './arbitration-schema.js';
import type { ConfigProblem } from './config-problem.js';
import type { EligibilityFile } from './eligibility-schema.js';
import { pointer } from './validate-file.js';

/** The names other files may refer to; a set is undefined when its file is broken (its references go unchecked). */
export interface ReferenceContext {
  actionsFile: string;
  channels: ReadonlySet<string> | undefined;
  issues: ReadonlySet<string> | undefined;
  groups: ReadonlySet<string> | undefined;
  models: ReadonlySet<string> | undefined;
}

const unknown = (kind: string, name: string, known: ReadonlySet<string>) =>
  `unknown ${kind} "${name}" (known: ${[...known].join(', ') || 'none'})`;

/** Problems in the action catalog that need the other files: ids, issues, channels, treatments, models, dates. */
export function checkActions(actions: readonly [number, ActionSpec][], ctx: ReferenceContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, code: string, message: string) =>
    problems.push({ file: ctx.actionsFile, path, code, message });
  const firstIndex = new Map<string, number>();
  for (const [i, action] of actions) {
    const at = (...rest: (string | number)[]) => pointer('actions', i, ...rest);
    const first = firstIndex.get(action.id);
    if (first !== undefined) {
      add(at('id'), 'CONFIG_DUPLICATE_ID', `duplicate action id "${action.id}" (first at /actions/${first})`);
    } else firstIndex.set(action.id, i);
    if (ctx.issues && !ctx.issues.has(action.issue)) {
      add(at('issue'), 'CONFIG_UNKNOWN_REFERENCE', unknown('issue', action.issue, ctx.issues));
    }
    if (ctx.models && action.model !== undefined && !ctx.models.has(action.model)) {
      add(at('model'), 'CONFIG_UNKNOWN_REFERENCE', unknown('model', action.model, ctx.models));
    }
    for (const field of ['validFrom', 'validTo'] as const) {
      const text = action[field];
      if (text !== undefined && !isCalendarDate(text)) {
        add(at(field), 'CONFIG_INVALID_VALUE', `${field} ${text} is not a real date and time`);
      }
    }
    if (action.validFrom && action.validTo && Date.parse(action.validFrom) > Date.parse(action.validTo)) {
      add(at('validTo'), 'CONFIG_INVALID_VALUE', `validTo ${action.validTo} is before validFrom ${action.validFrom}`);
    }
    action.channels.forEach((channel, c) => {
      if (ctx.channels && !ctx.channels.has(channel)) {
        add(at('channels', c), 'CONFIG_UNKNOWN_REFERENCE', unknown('channel', channel, ctx.channels));
      } else if (!action.treatments[channel]) {
        add(at('treatments'), 'CONFIG_MISSING_TREATMENT', `no treatment for channel "${channel}"`);
      }
    });
    for (const [channel, treatment] of Object.entries(action.treatments)) {
      if (!action.channels.includes(channel)) {
        const message = `treatment for channel "${channel}", which the action is not offered on`;
        add(at('treatments', channel), 'CONFIG_UNKNOWN_REFERENCE', message);
        continue;
      }
      for (const field of treatmentFields[channel] ?? ['title', 'body']) {
        if (treatment[field] === undefined) {
          add(at('treatments', channel, field), 'CONFIG_MISSING_TREATMENT', `a ${channel} treatment needs "${field}"`);
        }
      }
      if (channel === 'sms' && treatment.text !== undefined && treatment.text.length > SMS_MAX_CHARS) {
        const message = `sms text is ${treatment.text.length} characters; at most ${SMS_MAX_CHARS}`;
        add(at('treatments', channel, 'text'), 'CONFIG_INVALID_VALUE', message);
      }
    }
  }
  return problems;
}

/** A CONFIG_UNKNOWN_REFERENCE problem when `name` is not in `known`; nothing when it is, or when `known` is unknown. */
function reference(
  file: string,
  path: string,
  kind: string,
  name: string,
  known: ReadonlySet<string> | undefined,
): ConfigProblem[] {
  return known && !known.has(name)
    ? [{ file, path, code: 'CONFIG_UNKNOWN_REFERENCE', message: unknown(kind, name, known) }]
    : [];
}

/** Conditions per issue and per group must name an issue or group that exists. */
export function checkEligibilityScopes(file: EligibilityFile, source: string, ctx: ReferenceContext): ConfigProblem[] {
  return [
    ...Object.keys(file.issues).flatMap((issue) =>
      reference(source, pointer('issues', issue), 'issue', issue, ctx.issues),
    ),
    ...Object.keys(file.groups).flatMap((group) =>
      reference(source, pointer('groups', group), 'group', group, ctx.groups),
    ),
  ];
}

/** Weights, levers and limits must name known channels, issues and groups; the default limit must fit the maximum. */
export function checkArbitration(file: ArbitrationFile, source: string, ctx: ReferenceContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ref = (path: string, kind: string, name: string, known: ReadonlySet<string> | undefined) =>
    problems.push(...reference(source, path, kind, name, known));
  const issues = new Set<string>();
  file.issues.forEach((issue, i) => {
    if (issues.has(issue)) {
      const message = `duplicate issue "${issue}"`;
      problems.push({ file: source, path: pointer('issues', i), code: 'CONFIG_DUPLICATE_ID', message });
    }
    issues.add(issue);
  });
  for (const [channel, weights] of Object.entries(file.contextWeights)) {
    ref(pointer('contextWeights', channel), 'channel', channel, ctx.channels);
    for (const issue of Object.keys(weights)) ref(pointer('contextWeights', channel, issue), 'issue', issue, issues);
  }
  for (const group of Object.keys(file.levers.groups))
    ref(pointer('levers', 'groups', group), 'group', group, ctx.groups);
  for (const issue of Object.keys(file.levers.issues)) ref(pointer('levers', 'issues', issue), 'issue', issue, issues);
  for (const group of Object.keys(file.limits.groups))
    ref(pointer('limits', 'groups', group), 'group', group, ctx.groups);
  for (const issue of Object.keys(file.limits.issues)) ref(pointer('limits', 'issues', issue), 'issue', issue, issues);
  if (file.defaultLimit > file.maxLimit) {
    const message = `defaultLimit ${file.defaultLimit} is above maxLimit ${file.maxLimit}`;
    problems.push({ file: source, path: '/defaultLimit', code: 'CONFIG_INVALID_VALUE', message });
  }
  return problems;
}

const POLICY_LISTS = ['caps', 'cooldowns', 'suppression'] as const;
// Channels are checked by the policy module itself (POLICY_UNKNOWN_CHANNEL).
const FILTERS = ['issue', 'group', 'action'] as const;

/** Caps, cooldowns and suppression rules may only filter on issues, groups and actions that exist. */
export function checkPolicyReferences(
  policy: Readonly<Record<string, unknown>>,
  source: string,
  ctx: ReferenceContext & { actions: ReadonlySet<string> },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const known = { issue: ctx.issues, group: ctx.groups, action: ctx.actions };
  for (const list of POLICY_LISTS) {
    const rules = policy[list];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule: Record<string, unknown>, i) => {
      for (const field of FILTERS) {
        const value = rule[field];
        if (value === undefined) continue;
        const names = Array.isArray(value) ? value : [value];
        names.forEach((name, n) => {
          if (typeof name !== 'string') return;
          const path = Array.isArray(value) ? pointer(list, i, field, n) : pointer(list, i, field);
          problems.push(...reference(source, path, field, name, known[field]));
        });
      }
    });
  }
  return problems;
}

/** The policy channels by name (undefined when contact-policy.yaml is broken) and the names a scope may use. */
export interface SendTargetContext {
  channels: ReadonlyMap<string, { direction: string }> | undefined;
  known: {
    issues?: ReadonlySet<string> | undefined;
    groups?: ReadonlySet<string> | undefined;
    actions?: ReadonlySet<string> | undefined;
  };
}

/**
 * What a trigger and a campaign have in common: they send on an outbound channel of the policy, and their scope names
 * issues, groups and actions that exist. `list` and `i` place the entry in its file (`/triggers/2/...`).
 */
export function checkSendTarget(
  spec: { channel: string; scope?: { issues?: string[]; groups?: string[]; actions?: string[] } | undefined },
  at: { file: string; list: 'triggers' | 'campaigns'; i: number },
  ctx: SendTargetContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { file, list, i } = at;
  const channel = ctx.channels?.get(spec.channel);
  if (ctx.channels && !channel) {
    problems.push(
      ...reference(file, pointer(list, i, 'channel'), 'channel', spec.channel, new Set(ctx.channels.keys())),
    );
  } else if (channel && channel.direction !== 'outbound') {
    problems.push({
      file,
      path: pointer(list, i, 'channel'),
      code: 'CONFIG_INVALID_VALUE',
      message: `channel "${spec.channel}" is ${channel.direction}; a ${list.slice(0, -1)} sends on an outbound channel`,
    });
  }
  for (const field of ['issues', 'groups', 'actions'] as const) {
    spec.scope?.[field]?.forEach((name, n) => {
      problems.push(
        ...reference(file, pointer(list, i, 'scope', field, n), field.slice(0, -1), name, ctx.known[field]),
      );
    });
  }
  return problems;
}

/**
 * Whether an ISO 8601 date (the schema checked its shape) names a real day and time: `2025-13-01` and `2026-02-30T99:99`
 * fit the pattern, but the first is NaN to Date.parse and `2025-02-30` would quietly become 2 March.
 */
function isCalendarDate(text: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!parts || Number.isNaN(Date.parse(text))) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
