// The JSON body parser: Fastify's own (prototype-poisoning safe), after a nesting check that rejects bodies nested
// deeper than the server allows before anything walks them.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/**
 * Makes `application/json` the only body the API takes (other types answer 415), parsed by Fastify's own parser
 * after a check that answers 400 BODY_TOO_DEEP past `maxDepth` levels.
 */
export function registerJsonBody(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestedDeeperThan(text, maxDepth)) {
      done(new ApiError('BODY_TOO_DEEP', `the body nests objects or arrays deeper than ${maxDepth} levels`), undefined);
      return;
    }
    parse(request, text, done);
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
