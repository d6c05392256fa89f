// Schema of the triggers file (`triggers.yaml`): event type + condition -> a decision on an outbound channel.
import { type Static, Type } from '@sinclair/typebox';

export const TriggerSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    description: Type.Optional(Type.String()),
    /** Event type (or types) that fire it. */
    event: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
    /** A condition over the profile's facts and the `event` fact (`{ type, data }`); absent = always. */
    condition: Type.Optional(Type.Unknown()),
    /** The outbound channel to decide on (a channel of contact-policy.yaml with direction outbound). */
    channel: Type.String({ minLength: 1 }),
    /** Only these issues, groups or actions are in play (a top-up trigger offers top-ups); absent = all. */
    scope: Type.Optional(
      Type.Object(
        {
          issues: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          groups: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          actions: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** How many actions one firing may send. */
    limit: Type.Integer({ minimum: 1, default: 1 }),
    /** Per subscriber and trigger: a second firing inside this window sends nothing. */
    debounce: Type.String({ default: '1h' }),
    /** In quiet hours: `defer` the send to when they end (decided again then) or `drop` it. */
    onQuietHours: Type.Union([Type.Literal('defer'), Type.Literal('drop')], { default: 'defer' }),
  },
  { additionalProperties: false },
);
export type TriggerSpec = Static<typeof TriggerSchema>;

export const TriggersFileSchema = Type.Object(
  { triggers: Type.Array(TriggerSchema, { default: [] }) },
  { additionalProperties: false },
);
export type TriggersFile = Static<typeof TriggersFileSchema>;
