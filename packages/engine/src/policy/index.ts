// Public API of the contact policy: config schema and checks, compiled policy, verdicts, reasons, contact history.
export {
  type CapFilter,
  type CapSpec,
  firstCapReached,
  ONCE_PER_DECISION,
  type ReserveResult,
  reservedBefore,
} from './cap-spec.js';
export { checkContactPolicy } from './check-contact-policy.js';
export {
  type ConfigProblem,
  ContactPolicyError,
  type ContactPolicyProblemCode,
  contactPolicyProblems,
} from './config-problem.js';
export {
  type ContactHistory,
  type ContactRecord,
  InMemoryContactHistory,
  type InMemoryContactHistoryOptions,
  type Outcome,
} from './contact-history.js';
export {
  type ContactPolicy,
  compileContactPolicy,
  type PolicyDecisionInput,
  type PolicyProfile,
} from './contact-policy.js';
export { formatDuration, parseDuration } from './duration.js';
export type { PolicyEvaluation } from './policy-evaluation.js';
export type { PolicyCandidate, PolicyVerdict } from './policy-verdict.js';
export { type PolicyReason, policyReasons } from './reasons.js';
export {
  type CapConfig,
  type ChannelPolicy,
  type ContactPolicyConfig,
  ContactPolicySchema,
  type CooldownConfig,
  type PolicyPer,
  type SuppressionConfig,
} from './schema.js';
export { isValidTimeZone } from './time-zone.js';
