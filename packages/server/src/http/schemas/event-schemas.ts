// Schemas of POST /v1/events and POST /v1/outcomes: the subscriber event, the outcome, and their answers.
import { Type } from '@sinclair/typebox';
import { FeaturesSchema, FreeObject, Time, withErrorCode } from './common.js';

/** A subscriber event (engine `SubscriberEventInput`); schema failures answer INVALID_EVENT, as the engine does. */
export const EventSchema = withErrorCode(
  Type.Object(
    {
      id: Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Unique: a retry with the same id is applied once',
      }),
      type: Type.String({ minLength: 1, maxLength: 128, description: 'e.g. usage.data, network.roaming-attach' }),
      subscriberId: Type.String({ minLength: 1, maxLength: 256 }),
      time: Time('When it happened'),
      data: Type.Optional(FreeObject('Type-specific payload that features read (pct, country, ...)')),
    },
    { additionalProperties: false, title: 'SubscriberEvent' },
  ),
  'INVALID_EVENT',
);

const TriggerResultSchema = Type.Object({
  triggerId: Type.String(),
  subscriberId: Type.String(),
  eventId: Type.String(),
  status: Type.String({ description: 'sent, debounced, condition-false, no-action, deferred, cap-reached, ...' }),
  detail: Type.Optional(Type.String()),
  decisionId: Type.Optional(Type.String()),
  sent: Type.Optional(Type.Array(Type.String())),
  deferredUntil: Type.Optional(Type.String()),
});

/** 202 answer of POST /v1/events. */
export const IngestAnswerSchema = Type.Object(
  {
    duplicate: Type.Optional(Type.Boolean({ description: 'Seen before: nothing applied, no trigger ran' })),
    features: FeaturesSchema,
    skipped: Type.Optional(Type.Array(Type.Object({ feature: Type.String(), reason: Type.String() }))),
    triggers: Type.Array(TriggerResultSchema),
  },
  { title: 'IngestAnswer' },
);

/** An outcome against a decision (engine `OutcomeRequest`). */
export const OutcomeRequestSchema = Type.Object(
  {
    decisionId: Type.String({ minLength: 1, maxLength: 256 }),
    actionId: Type.String({ minLength: 1, maxLength: 256 }),
    outcome: Type.Union(
      ['impression', 'click', 'accept', 'reject', 'convert'].map((o) => Type.Literal(o)),
      { description: 'impression, click, accept, reject or convert' },
    ),
    at: Type.Optional(Time('When it happened (default: the server clock)')),
  },
  { additionalProperties: false, title: 'OutcomeRequest' },
);

export const OutcomeAnswerSchema = Type.Object({ ok: Type.Literal(true) });
