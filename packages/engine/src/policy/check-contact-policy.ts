// Validation of a contact policy beyond its schema: durations, clock times, zones, ids, `per`, channel names.
import { parseClockTime } from './clock-time.js';
import type { ConfigProblem, ContactPolicyProblemCode } from './config-problem.js';
import { parseDuration } from './duration.js';
import { type ContactPolicyConfig, policyPerValues } from './schema.js';
import { isValidTimeZone } from './time-zone.js';

type RuleList = 'caps' | 'cooldowns' | 'suppression';
const DURATION_FIELDS: Readonly<Record<RuleList, readonly string[]>> = {
  caps: ['window'],
  cooldowns: ['duration'],
  suppression: ['within', 'for'],
};

/**
 * Every problem in a contact policy that passed its schema (defaults applied), each with a JSON pointer path.
 * An empty list means `compileContactPolicy` will accept it.
 *
 * @example checkContactPolicy(config) // [{ path: '/caps/2/window', code: 'POLICY_INVALID_DURATION', message: ... }]
 */
export function checkContactPolicy(config: ContactPolicyConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (path: string, code: ContactPolicyProblemCode, message: string) =>
    problems.push({ path, code, message });

  if (!isValidTimeZone(config.defaultTimeZone)) {
    report(
      '/defaultTimeZone',
      'POLICY_INVALID_TIME_ZONE',
      `"${config.defaultTimeZone}" is not an IANA time zone (e.g. Europe/Amsterdam)`,
    );
  }

  const channels = config.channels ?? {};
  for (const [name, channel] of Object.entries(channels)) {
    const quiet = channel?.quietHours;
    if (!quiet) continue;
    const at = `/channels/${pointerSegment(name)}/quietHours`;
    const from = parseClockTime(quiet.from);
    const to = parseClockTime(quiet.to);
    if (from === undefined) report(`${at}/from`, 'POLICY_INVALID_CLOCK_TIME', clockMessage(quiet.from));
    if (to === undefined) report(`${at}/to`, 'POLICY_INVALID_CLOCK_TIME', clockMessage(quiet.to));
    if (from !== undefined && from === to) {
      report(
        at,
        'POLICY_EMPTY_QUIET_HOURS',
        `quiet hours from ${quiet.from} to ${quiet.to} are empty; remove quietHours`,
      );
    }
  }

  // A filter is one name or a list; a list's problems point at the entry.
  const checkChannels = (path: string, names: unknown) => {
    const list: unknown[] = typeof names === 'string' ? [names] : Array.isArray(names) ? names : [];
    list.forEach((name, index) => {
      if (typeof name === 'string' && !Object.hasOwn(channels, name)) {
        const at = Array.isArray(names) ? `${path}/${index}` : path;
        report(at, 'POLICY_UNKNOWN_CHANNEL', `channel "${name}" is not defined under channels`);
      }
    });
  };
  if (config.marketingConsent) checkChannels('/marketingConsent/channels', config.marketingConsent.channels);

  const ids = new Map<string, string>();
  for (const list of ['caps', 'cooldowns', 'suppression'] as const) {
    const rules: readonly Record<string, unknown>[] = config[list] ?? [];
    rules.forEach((rule, index) => {
      const at = `/${list}/${index}`;
      const id = rule.id;
      if (typeof id === 'string') {
        const first = ids.get(id);
        if (first !== undefined) {
          report(`${at}/id`, 'POLICY_DUPLICATE_RULE_ID', `id "${id}" is already used at ${first}`);
        } else {
          ids.set(id, at);
        }
      }
      const per = rule.per ?? 'subscriber';
      if (!policyPerValues.includes(per as never)) {
        report(`${at}/per`, 'POLICY_INVALID_PER', `per must be one of ${policyPerValues.join(', ')}, got "${per}"`);
      }
      checkChannels(`${at}/channel`, rule.channel);
      for (const field of DURATION_FIELDS[list]) {
        const ms = parseDuration(rule[field]);
        if (ms === undefined || ms <= 0) {
          report(
            `${at}/${field}`,
            'POLICY_INVALID_DURATION',
            `${field} must be a positive whole number with a unit (ms, s, m, h, d, w) such as 7d, at most 100 years, got ${JSON.stringify(rule[field])}`,
          );
        }
      }
    });
  }
  return problems;
}

function clockMessage(value: unknown): string {
  return `must be a time of day as HH:MM (00:00 to 23:59), got ${JSON.stringify(value)}`;
}

/** JSON pointer segment escaping (RFC 6901): channel names are analysts' words. */
function pointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
