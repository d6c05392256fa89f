// Schema of the campaigns file (`campaigns.yaml`): a segment, a channel and a schedule -> a batch decision run.
import { type Static, Type } from '@sinclair/typebox';

const names = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

export const CampaignSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    description: Type.Optional(Type.String()),
    /** A condition over the profile's facts (features included), `channel` and `context`; absent = everyone. */
    segment: Type.Optional(Type.Unknown()),
    /** Only these issues, groups or actions are in play; absent = every action on the channel. */
    scope: Type.Optional(
      Type.Object(
        { issues: Type.Optional(names), groups: Type.Optional(names), actions: Type.Optional(names) },
        { additionalProperties: false },
      ),
    ),
    /** The outbound channel to decide and send on (a channel of contact-policy.yaml with direction outbound). */
    channel: Type.String({ minLength: 1 }),
    /** Actions per subscriber (at most arbitration.yaml `maxLimit`). */
    limit: Type.Integer({ minimum: 1, default: 1 }),
    /** When the server starts a run by itself: a croner pattern, in `timeZone` (default: the policy's). */
    schedule: Type.Optional(
      Type.Object(
        { cron: Type.String({ minLength: 1 }), timeZone: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
    ),
    /** Local `HH:MM` times, in the campaign time zone, between which a run sends (`to` exclusive; may wrap midnight). */
    sendWindow: Type.Optional(Type.Object({ from: Type.String(), to: Type.String() }, { additionalProperties: false })),
    /** The most subscribers one run contacts. */
    volumeLimit: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Per subscriber: at most `max` contacts of this campaign within `window` (a duration like 30d). */
    caps: Type.Optional(
      Type.Array(
        Type.Object({ max: Type.Integer({ minimum: 1 }), window: Type.String() }, { additionalProperties: false }),
      ),
    ),
    /** Share of the segment held out, in percent from 0 to 50: `5%` or `5`. */
    controlGroup: Type.Union([Type.String({ pattern: '^\\d+(\\.\\d+)?%$' }), Type.Number()], { default: 0 }),
    /** Where a run's results go: a JSONL or CSV file in the run directory, or the campaign channel's Channel. */
    output: Type.Union([Type.Literal('jsonl'), Type.Literal('csv'), Type.Literal('channel')], { default: 'jsonl' }),
    /** The decision `context` fact (default `{ campaign: <id> }`). */
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type CampaignSpec = Static<typeof CampaignSchema>;

export const CampaignsFileSchema = Type.Object(
  { campaigns: Type.Array(CampaignSchema, { default: [] }) },
  { additionalProperties: false },
);
export type CampaignsFile = Static<typeof CampaignsFileSchema>;
