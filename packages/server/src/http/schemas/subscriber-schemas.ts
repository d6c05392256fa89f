// Schemas of GET /v1/subscribers/:id (the 360 view) and GET /v1/actions (the catalog).
import { Type } from '@sinclair/typebox';
import { FeaturesSchema, TreatmentSchema } from './common.js';

export const SubscriberParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 256, description: 'The subscriberId' }) },
  { additionalProperties: false },
);

const RecentDecisionSchema = Type.Object({
  decisionId: Type.String(),
  channel: Type.String(),
  decidedAt: Type.String(),
  configVersion: Type.String(),
  actions: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      actionId: Type.String(),
      name: Type.String(),
      issue: Type.String(),
      group: Type.String(),
    }),
  ),
});

const ContactEntrySchema = Type.Object({
  at: Type.String(),
  subscriberId: Type.String(),
  decisionId: Type.String(),
  actionId: Type.String(),
  issue: Type.String(),
  group: Type.String(),
  channel: Type.String(),
  outcome: Type.String(),
  mandatory: Type.Boolean(),
});

export const SubscriberViewSchema = Type.Object(
  {
    subscriberId: Type.String(),
    profile: Type.Object({}, { additionalProperties: true, description: 'Profile attributes' }),
    features: FeaturesSchema,
    recentDecisions: Type.Array(RecentDecisionSchema, { description: 'Newest first, at most 20 (this server)' }),
    contactHistory: Type.Array(ContactEntrySchema, { description: 'Contacts and outcomes, newest first' }),
    degraded: Type.Array(Type.Object({ reason: Type.String(), detail: Type.String() })),
  },
  { title: 'SubscriberView' },
);

export const ActionsQuerySchema = Type.Object(
  {
    channel: Type.Optional(Type.String({ maxLength: 64, description: 'Only actions offered on this channel' })),
    issue: Type.Optional(Type.String({ maxLength: 200 })),
    group: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ActionCatalogSchema = Type.Object(
  {
    configVersion: Type.String(),
    actions: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        kind: Type.String(),
        issue: Type.String(),
        group: Type.String(),
        channels: Type.Array(Type.String()),
        value: Type.Number(),
        mandatory: Type.Boolean(),
        validFrom: Type.Optional(Type.String()),
        validTo: Type.Optional(Type.String()),
        treatments: Type.Record(Type.String(), TreatmentSchema),
      }),
    ),
  },
  { title: 'ActionCatalog' },
);
