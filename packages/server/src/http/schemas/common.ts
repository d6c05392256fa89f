// Schemas shared by the routes: the error body, free-form objects, times, treatments, the API key security note.
import { type TSchema, Type } from '@sinclair/typebox';

/** `{ error: { code, message, field?, problems? } }`: every 4xx and 5xx answer. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A code from docs/errors.md, e.g. INVALID_REQUEST, SUBSCRIBER_NOT_FOUND' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'The request field at fault, when one is' })),
      problems: Type.Optional(Type.Array(Type.Unknown(), { description: 'Every problem (CONFIG_INVALID)' })),
    }),
  },
  { title: 'Error' },
);

/** The error answers a route documents: every 4xx and 5xx has the same body. */
export const errorResponses = { '4xx': ErrorSchema, '5xx': ErrorSchema } as const;

/** A JSON object of any shape (context, event data, inline profiles). */
export const FreeObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Epoch milliseconds or an ISO 8601 timestamp. */
export const Time = (description: string) =>
  Type.Union([Type.Number(), Type.String({ maxLength: 64 })], {
    description,
    // What a refusal says was expected (the description says what the time is, not what it must look like).
    'x-expected': 'epoch milliseconds or an ISO 8601 timestamp',
  });

/** What is shown or sent on one channel. */
export const TreatmentSchema = Type.Object({
  title: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  cta: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  script: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  image: Type.Optional(Type.String()),
});

/** Values of computed features (numbers, strings, booleans, null) by feature name. */
export const FeaturesSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Feature values at the server clock, by feature name (features.yaml)',
});

/**
 * A request schema's error code: schema failures on this body answer with it (INVALID_REQUEST by default), so
 * HTTP and WebSocket callers see the codes the engine gives for the same mistake.
 */
export const withErrorCode = <T extends TSchema>(schema: T, code: string): T =>
  Object.assign(schema, { 'x-error-code': code });
