// Schema of the arbitration file (`arbitration.yaml`): issues, context weights, levers, limits and the top N.
import { type Static, Type } from '@sinclair/typebox';

const Weight = Type.Number({ minimum: 0 });
const WeightsByName = Type.Record(Type.String({ minLength: 1 }), Weight, { default: {} });

export const ArbitrationFileSchema = Type.Object(
  {
    issues: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    defaultLimit: Type.Integer({ minimum: 1, default: 3 }),
    maxLimit: Type.Integer({ minimum: 1, default: 10 }),
    defaultPropensity: Type.Number({ minimum: 0, maximum: 1, default: 0.05 }),
    /** Per channel, per issue; a missing weight is 1. */
    contextWeights: Type.Record(Type.String({ minLength: 1 }), WeightsByName, { default: {} }),
    levers: Type.Object(
      { groups: WeightsByName, issues: WeightsByName },
      { additionalProperties: false, default: { groups: {}, issues: {} } },
    ),
    limits: Type.Object(
      {
        perGroup: Type.Optional(Type.Integer({ minimum: 1 })),
        perIssue: Type.Optional(Type.Integer({ minimum: 1 })),
        groups: Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 }), { default: {} }),
        issues: Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 }), { default: {} }),
      },
      { additionalProperties: false, default: { groups: {}, issues: {} } },
    ),
  },
  { additionalProperties: false },
);
export type ArbitrationFile = Static<typeof ArbitrationFileSchema>;
