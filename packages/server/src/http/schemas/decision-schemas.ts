// Schemas of POST /v1/decisions and POST /v1/simulate: the DecisionRequest and the Decision (engine types).
import { Type } from '@sinclair/typebox';
import { FreeObject, Time, TreatmentSchema } from './common.js';

const Names = (what: string) => Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500, description: what });

const ScopeSchema = Type.Object(
  {
    issues: Type.Optional(Names('Only actions of these issues')),
    groups: Type.Optional(Names('Only actions of these groups')),
    actions: Type.Optional(Names('Only these actions')),
  },
  { additionalProperties: false, description: 'Limit the candidates (a page slot for roaming offers, say)' },
);

const requestFields = {
  subscriberId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: 'Looked up in the profile store' }),
  ),
  profile: Type.Optional(FreeObject('A profile given inline (with a subscriberId); the store is not read')),
  channel: Type.String({ minLength: 1, maxLength: 64, description: 'web, app, agent, sms, email, push, ...' }),
  context: Type.Optional(FreeObject('What is happening now (page, intent); rules see it as the `context` fact')),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, description: 'How many actions (default and maximum in arbitration.yaml)' }),
  ),
  now: Type.Optional(Time('Decision time (default: the server clock)')),
  scope: Type.Optional(ScopeSchema),
};

/** POST /v1/decisions: give `subscriberId` or `profile`. */
export const DecisionRequestSchema = Type.Object(
  { ...requestFields, explain: Type.Optional(Type.Boolean({ description: 'Return the funnel' })) },
  { additionalProperties: false, title: 'DecisionRequest' },
);

/** POST /v1/simulate: a decision request that is always explained and records nothing. */
export const SimulateRequestSchema = Type.Object(requestFields, {
  additionalProperties: false,
  title: 'SimulateRequest',
});

const ScoreTermsSchema = Type.Object({
  propensity: Type.Number(),
  propensitySource: Type.String({ description: 'model or prior' }),
  contextWeight: Type.Number(),
  value: Type.Number(),
  lever: Type.Number(),
  priority: Type.Number({ description: 'propensity x context weight x value x lever' }),
});

const RankedActionSchema = Type.Object({
  rank: Type.Integer(),
  actionId: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'offer, care or message' }),
  issue: Type.String(),
  group: Type.String(),
  mandatory: Type.Boolean(),
  treatment: TreatmentSchema,
  terms: ScoreTermsSchema,
});

const RuleFailureSchema = Type.Object({
  fact: Type.String(),
  path: Type.Optional(Type.String()),
  operator: Type.String(),
  expected: Type.Optional(Type.Unknown()),
  actual: Type.Optional(Type.Unknown()),
  condition: Type.Optional(Type.String()),
  location: Type.String(),
  negated: Type.Optional(Type.Boolean()),
});

const FunnelEntrySchema = Type.Object({
  actionId: Type.String(),
  stage: Type.String({ description: 'candidates, eligibility, policy, arbitration or selected' }),
  reason: Type.String({ description: 'A funnel reason code (docs/errors.md)' }),
  detail: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  failures: Type.Optional(Type.Array(RuleFailureSchema)),
  rule: Type.Optional(Type.String()),
  count: Type.Optional(Type.Number()),
  limit: Type.Optional(Type.Number()),
  until: Type.Optional(Type.String()),
  terms: Type.Optional(ScoreTermsSchema),
});

/** The engine's Decision. */
export const DecisionSchema = Type.Object(
  {
    decisionId: Type.String(),
    subscriberId: Type.String(),
    channel: Type.String(),
    configVersion: Type.String(),
    decidedAt: Type.String(),
    actions: Type.Array(RankedActionSchema),
    degraded: Type.Array(Type.Object({ reason: Type.String(), detail: Type.String() })),
    counts: Type.Object({
      actions: Type.Integer(),
      candidates: Type.Integer(),
      eligible: Type.Integer(),
      allowed: Type.Integer(),
      selected: Type.Integer(),
    }),
    timings: Type.Object({
      profile: Type.Number(),
      candidates: Type.Number(),
      eligibility: Type.Number(),
      policy: Type.Number(),
      scoring: Type.Number(),
      arbitration: Type.Number(),
      total: Type.Number(),
    }),
    funnel: Type.Optional(Type.Array(FunnelEntrySchema)),
  },
  { title: 'Decision' },
);
