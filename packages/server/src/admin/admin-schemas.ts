// TypeBox schemas the admin routes share: the error body, config problems, and the role names.
import { Type } from '@sinclair/typebox';
import { roles } from '../security/roles.js';

export const RoleSchema = Type.Union(
  roles.map((role) => Type.Literal(role)),
  { description: 'channel < agent < analyst < admin; each role has what the ones before it have' },
);

export const ConfigProblemSchema = Type.Object(
  {
    file: Type.String(),
    path: Type.String({ description: 'JSON pointer inside the file' }),
    code: Type.String(),
    message: Type.String(),
  },
  { additionalProperties: false },
);

/** `{ error: { code, message, field?, problems? } }`: every error the server sends. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      problems: Type.Optional(Type.Array(ConfigProblemSchema)),
    }),
  },
  { description: 'An error: a code from docs/errors.md, a message, and where it applies' },
);

/**
 * The error responses of every route with a role: the auth plugin's refusals. (400 is left to the app's error
 * handler, which shapes validation errors; a schema here would have to match it exactly.)
 */
export const authErrorResponses = {
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  429: ErrorBodySchema,
} as const;
