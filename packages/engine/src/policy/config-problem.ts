// Problems `checkContactPolicy` finds beyond the schema, with their codes as data for the errors catalogue.

/** One problem in the contact policy file; `path` is a JSON pointer inside it (`/caps/2/window`). */
export interface ConfigProblem {
  path: string;
  code: string;
  message: string;
}

/** Every code `checkContactPolicy` reports, with a one-line description. */
export const contactPolicyProblems = {
  POLICY_INVALID_DURATION: 'A duration is not a positive whole number with a unit (ms, s, m, h, d, w), e.g. 7d',
  POLICY_INVALID_CLOCK_TIME: 'A quiet-hours time is not HH:MM on a 24-hour clock',
  POLICY_EMPTY_QUIET_HOURS: 'Quiet hours start and end at the same time',
  POLICY_INVALID_TIME_ZONE: 'The default time zone is not an IANA zone the runtime knows',
  POLICY_DUPLICATE_RULE_ID: 'Two caps, cooldowns or suppression rules share an id',
  POLICY_INVALID_PER: 'A rule counts per something other than subscriber, action, group or issue',
  POLICY_UNKNOWN_CHANNEL: 'A rule or the marketing consent names a channel the policy does not define',
} as const;

export type ContactPolicyProblemCode = keyof typeof contactPolicyProblems;

/** Thrown by `compileContactPolicy` (at load, never while deciding) when the config has problems; carries them all. */
export class ContactPolicyError extends Error {
  readonly code = 'POLICY_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `contact policy has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p.path}  ${p.code}  ${p.message}`).join('\n')}`,
    );
    this.name = 'ContactPolicyError';
    this.problems = problems;
  }
}
