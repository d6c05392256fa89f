// JSON request bodies, parsed the same way on both ports: a nesting check that rejects bodies nested deeper than the
// server allows before anything walks them, then Fastify's own prototype-poisoning-safe parser (secure-json-parse).
import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { ApiError } from './errors.js';

// The parser Fastify's default JSON body parser runs (a direct dependency at the same major as Fastify's).
const secureJson = secureJsonParse;
const POISON = { protoAction: 'error', constructorAction: 'error' } as const;

/** The messages of the body errors, shared by the error handler (Fastify's own body errors) and the stream port. */
export const bodyMessages = {
  empty: 'the body is empty; send a JSON object',
  invalid: 'the body is not valid JSON (or has a __proto__ or constructor.prototype key)',
  mediaType: 'send the body as application/json',
  tooLarge: (bodyLimit: number) => `the body is larger than ${bodyLimit} bytes`,
  tooDeep: (maxDepth: number) => `the body nests objects or arrays deeper than ${maxDepth} levels`,
} as const;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: ApiError };

/**
 * A JSON body's value, or the error it is answered with: 400 BODY_INVALID_JSON (empty, broken, or a `__proto__` or
 * `constructor.prototype` key) or 400 BODY_TOO_DEEP past `maxDepth` levels.
 */
export function parseJsonBody(text: string, maxDepth: number): ParsedBody {
  if (text.length === 0) return { ok: false, error: new ApiError('BODY_INVALID_JSON', bodyMessages.empty) };
  if (nestedDeeperThan(text, maxDepth)) {
    return { ok: false, error: new ApiError('BODY_TOO_DEEP', bodyMessages.tooDeep(maxDepth)) };
  }
  try {
    return { ok: true, value: secureJson.parse(text, undefined, POISON) };
  } catch {
    return { ok: false, error: new ApiError('BODY_INVALID_JSON', bodyMessages.invalid) };
  }
}

/** Whether a content-type header names JSON (`application/json`, any parameters), as Fastify matches it. */
export function isJsonMediaType(contentType: string): boolean {
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase() === 'application/json';
}

/**
 * Makes `application/json` the only body the API takes (other types answer 415), parsed by `parseJsonBody`.
 */
export function registerJsonBody(app: FastifyInstance, maxDepth: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const parsed = parseJsonBody(body as string, maxDepth);
    if (parsed.ok) done(null, parsed.value);
    else done(parsed.error, undefined);
  });
}

/**
 * Whether JSON text opens more than `max` objects or arrays at once (brackets inside strings do not count).
 * One pass over the characters, no allocation: cheap next to the parse.
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
