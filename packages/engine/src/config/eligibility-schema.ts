// Schema of the eligibility file (`eligibility.yaml`): named conditions, and conditions per issue and per group.
import { type Static, Type } from '@sinclair/typebox';

// Conditions themselves are checked by the rules compiler, which reports the exact place inside a condition.
export const EligibilityFileSchema = Type.Object(
  {
    conditions: Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), { default: {} }),
    issues: Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), { default: {} }),
    groups: Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), { default: {} }),
  },
  { additionalProperties: false },
);
export type EligibilityFile = Static<typeof EligibilityFileSchema>;
