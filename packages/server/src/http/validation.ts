// Request validation with TypeBox's compiler: bodies are checked as sent (no type coercion, no silently removed
// fields); query strings and path parameters are converted from text first. A failure is an ApiError naming the field.
import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError, ValueErrorType } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { ApiError } from './errors.js';

/** Body fields whose mistakes have their own code in the engine; the same mistake gets the same code here. */
const FIELD_CODES: Readonly<Record<string, string>> = {
  limit: 'INVALID_LIMIT',
  context: 'INVALID_CONTEXT',
  now: 'INVALID_TIME',
  at: 'INVALID_TIME',
  time: 'INVALID_TIME',
  outcome: 'INVALID_OUTCOME',
};

/** A body's check: the value as sent, or the ApiError naming the field at fault. */
export type BodyCheck = (data: unknown) => { value: unknown; error?: undefined } | { error: ApiError };

/**
 * Fastify's validator compiler for TypeBox schemas. Every route schema (body, querystring, params, headers) must be
 * a TypeBox schema; anything else fails at startup, not per request.
 */
export const typeBoxValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart, method, url }) => {
  if (!(Kind in schema)) {
    throw new Error(
      `${method} ${url}: the ${httpPart} schema is not a TypeBox schema (the server validates with TypeBox)`,
    );
  }
  if (httpPart === 'body') return compileBodyCheck(schema);
  const checker = TypeCompiler.Compile(schema);
  return (data: unknown) => {
    const value = Value.Convert(schema, data);
    if (checker.Check(value)) return { value };
    return { error: invalid(checker.Errors(value).First(), value, 'INVALID_REQUEST', httpPart ?? 'body') };
  };
};

/**
 * The check of a request body against its TypeBox schema, as both ports run it: no coercion, no field removed;
 * a failure has the schema's `x-error-code` (INVALID_REQUEST by default) or the engine's code for the field.
 * @example const check = compileBodyCheck(DecisionRequestSchema); const { error } = check(JSON.parse(text));
 */
export function compileBodyCheck(schema: TSchema): BodyCheck {
  const checker = TypeCompiler.Compile(schema);
  const code = (schema as { 'x-error-code'?: string })['x-error-code'] ?? 'INVALID_REQUEST';
  return (data: unknown) => {
    if (checker.Check(data)) return { value: data };
    return { error: invalid(checker.Errors(data).First(), data, code, 'body') };
  };
}

function invalid(error: ValueError | undefined, value: unknown, code: string, part: string): ApiError {
  if (!error || error.path === '') {
    const message =
      value === null || value === undefined
        ? `the request needs a JSON object ${part === 'body' ? 'body' : part}`
        : `the ${part === 'body' ? 'body' : part} must be a JSON object`;
    return new ApiError(code, message);
  }
  const field = fieldName(error.path);
  const top = field.split(/[.[]/)[0] ?? field;
  const fieldCode = part === 'body' ? (FIELD_CODES[top] ?? code) : code;
  const schema = error.schema as { description?: string; 'x-expected'?: string };
  const description = schema['x-expected'] ?? schema.description;
  let message: string;
  if (error.type === ValueErrorType.ObjectAdditionalProperties) message = `unknown field "${field}"`;
  else if (error.type === ValueErrorType.ObjectRequiredProperty) message = `${field} is required`;
  else if (error.type === ValueErrorType.Union && description) message = `${field}: expected ${description}`;
  else message = `${field}: ${error.message.toLowerCase()}`;
  // An unknown field is INVALID_REQUEST whatever its name: it is the caller's shape that is wrong.
  return new ApiError(error.type === ValueErrorType.ObjectAdditionalProperties ? code : fieldCode, message, field);
}

/** `/scope/issues/0` -> `scope.issues[0]`. */
function fieldName(path: string): string {
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
