// The schema of an import mapping file: which column feeds which profile attribute, with its type and options.
import { type Static, Type } from '@sinclair/typebox';

const Words = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });
const LookupResult = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/** The attribute types a cell can be converted to. */
export const AttributeType = Type.Union([
  Type.Literal('string'),
  Type.Literal('integer'),
  Type.Literal('number'),
  Type.Literal('boolean'),
  Type.Literal('enum'),
  Type.Literal('date'),
  Type.Literal('json'),
]);
export type AttributeType = Static<typeof AttributeType>;

/** How a date cell is written: ISO 8601, day or month first with slashes, or seconds/ms since the epoch. */
export const DateFormat = Type.Union([
  Type.Literal('iso'),
  Type.Literal('DD/MM/YYYY'),
  Type.Literal('MM/DD/YYYY'),
  Type.Literal('epoch-s'),
  Type.Literal('epoch-ms'),
]);
export type DateFormat = Static<typeof DateFormat>;

/** What a date becomes in the profile: a full ISO timestamp (UTC), a `YYYY-MM-DD` day, or epoch milliseconds. */
export const DateOutput = Type.Union([Type.Literal('iso'), Type.Literal('date'), Type.Literal('epoch-ms')]);
export type DateOutput = Static<typeof DateOutput>;

/**
 * One profile attribute. Its source is a `column` (default: the attribute's own name), a `template` over columns
 * (`"CUST-{customerID}"`) or a constant `value`; then blanks, an optional lookup, and the type conversion apply.
 */
export const AttributeMapping = Type.Object(
  {
    column: Type.Optional(Type.String({ minLength: 1 })),
    template: Type.Optional(Type.String({ minLength: 1 })),
    value: Type.Optional(Type.Unknown()),
    type: Type.Optional(AttributeType),
    required: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.Unknown()),
    lookup: Type.Optional(Type.Record(Type.String(), LookupResult)),
    ignoreCase: Type.Optional(Type.Boolean()),
    values: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    trueValues: Type.Optional(Words),
    falseValues: Type.Optional(Words),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    pattern: Type.Optional(Type.String({ minLength: 1 })),
    format: Type.Optional(DateFormat),
    output: Type.Optional(DateOutput),
  },
  { additionalProperties: false },
);
export type AttributeMapping = Static<typeof AttributeMapping>;

/** A mapping file. */
export const MappingFile = Type.Object(
  {
    description: Type.Optional(Type.String()),
    /** `case-insensitive` matches `tenure` to a `Tenure` header (exports differ in case between releases). */
    columnNames: Type.Optional(
      Type.Union([Type.Literal('exact'), Type.Literal('case-insensitive')], { default: 'exact' }),
    ),
    /** A column neither read nor ignored: `warn` lists it in the summary, `reject` refuses the file (CSV) or row (JSONL). */
    unknownColumns: Type.Optional(Type.Union([Type.Literal('warn'), Type.Literal('reject')], { default: 'warn' })),
    /** The CSV field delimiter. */
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: ',' })),
    /** Boolean words for every boolean attribute that does not list its own; matched case-insensitively. */
    trueValues: Type.Optional(Words),
    falseValues: Type.Optional(Words),
    attributes: Type.Record(Type.String(), AttributeMapping),
    /** Columns deliberately not imported: they are not reported as unknown. */
    ignore: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] })),
  },
  { additionalProperties: false },
);
export type MappingFile = Static<typeof MappingFile>;

/** The boolean words used when neither the attribute nor the file lists its own. */
export const DEFAULT_TRUE_VALUES = ['true', 'yes', 'y', '1'] as const;
export const DEFAULT_FALSE_VALUES = ['false', 'no', 'n', '0'] as const;
