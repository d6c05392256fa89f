// Schema of the action catalog file (`actions.yaml`): every offer, care action and message the engine may propose.
import { type Static, Type } from '@sinclair/typebox';

const Text = Type.String({ minLength: 1 });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})?)?$' });

/** What is shown or sent on one channel. Which fields a channel needs is checked after the schema (see `treatmentFields`). */
export const TreatmentSchema = Type.Object(
  {
    title: Type.Optional(Text),
    body: Type.Optional(Text),
    cta: Type.Optional(Text),
    text: Type.Optional(Text),
    script: Type.Optional(Text),
    subject: Type.Optional(Text),
    image: Type.Optional(Text),
  },
  { additionalProperties: false },
);
export type Treatment = Static<typeof TreatmentSchema>;

/** The fields a treatment must have on each kind of channel; a channel not listed needs `title` and `body`. */
export const treatmentFields: Readonly<Record<string, readonly (keyof Treatment)[]>> = {
  sms: ['text'],
  agent: ['title', 'script'],
  email: ['subject', 'body'],
  web: ['title', 'body'],
  app: ['title', 'body'],
  push: ['title', 'body'],
};

export const SMS_MAX_CHARS = 160;

export const ActionSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 80 }),
    name: Text,
    kind: Type.Union([Type.Literal('offer'), Type.Literal('care'), Type.Literal('message')], { default: 'offer' }),
    issue: Text,
    group: Text,
    channels: Type.Array(Text, { minItems: 1 }),
    value: Type.Number({ minimum: 0 }),
    propensity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    model: Type.Optional(Text),
    mandatory: Type.Boolean({ default: false }),
    lever: Type.Number({ minimum: 0, default: 1 }),
    validFrom: Type.Optional(IsoDate),
    validTo: Type.Optional(IsoDate),
    attributes: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]), { default: {} }),
    eligibility: Type.Optional(Type.Unknown()),
    treatments: Type.Record(Type.String(), TreatmentSchema),
  },
  { additionalProperties: false },
);
export type ActionSpec = Static<typeof ActionSchema>;

export const ActionsFileSchema = Type.Object(
  { actions: Type.Array(ActionSchema, { minItems: 1 }) },
  { additionalProperties: false },
);
export type ActionsFile = Static<typeof ActionsFileSchema>;
