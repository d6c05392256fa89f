// Frames to values and back: JSON for text frames, msgpack for binary ones, with the nesting bound checked without recursion.
import { errorMessage } from '@arbiter/engine';
import { Packr, Unpackr } from 'msgpackr';
import { type StreamError, streamError } from './stream-errors.js';

// Records and maps-as-Map are msgpackr extensions other clients cannot read; copyBuffers because uWS neuters the
// frame's ArrayBuffer once the message handler returns. structuredClone: false refuses msgpackr's id and pointer
// extensions (0x69, 0x70): with them a few hundred bytes describe a DAG whose every level holds the one below twice,
// a value JSON cannot express and that a walk over it visits 2^depth times.
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  int64AsType: 'number',
  structuredClone: false,
});
// undefined properties are left out, as JSON.stringify does, so both frame types carry the same shape
// (skipValues is a msgpackr 1.10 option its typings do not list yet).
const packr = new Packr({ useRecords: false, skipValues: [undefined] } as ConstructorParameters<typeof Packr>[0]);

export type DecodedFrame = { ok: true; value: unknown } | { ok: false; error: StreamError };

/** Decodes one frame; a broken or too deep frame is an error, never a throw. */
export function decodeFrame(data: ArrayBuffer, isBinary: boolean, maxDepth: number): DecodedFrame {
  let value: unknown;
  if (isBinary) {
    try {
      value = unpackr.unpack(new Uint8Array(data));
    } catch (thrown) {
      // msgpackr reads nesting by recursion: a frame nested deeper than the stack is what a RangeError means here.
      if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) return tooDeep(maxDepth);
      // What msgpackr throws at a 0x69 / 0x70 extension once structuredClone is off.
      if (/structured clone/i.test(errorMessage(thrown))) return sharedReference();
      return {
        ok: false,
        error: streamError('BODY_INVALID_MSGPACK', `The binary frame is not msgpack: ${errorMessage(thrown)}`),
      };
    }
  } else {
    try {
      value = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch (thrown) {
      return {
        ok: false,
        error: streamError('BODY_INVALID_JSON', `The text frame is not JSON: ${errorMessage(thrown)}`),
      };
    }
  }
  return checkFrameValue(value, maxDepth);
}

/**
 * Checks a decoded frame's value: nested no deeper than maxDepth, plain JSON values only, and a tree (no object or
 * array reached twice, as no JSON text can express). The cost is linear in the value's distinct nodes whatever the
 * decoder handed over, so it stays bounded by the frame's size.
 */
export function checkFrameValue(value: unknown, maxDepth: number): DecodedFrame {
  const problem = checkValue(value, maxDepth);
  if (problem === TOO_DEEP) return tooDeep(maxDepth);
  if (problem === SHARED) return sharedReference();
  if (problem === NOT_JSON) {
    const field = pathOfNonJson(value, '') || undefined;
    return {
      ok: false,
      error: streamError('BODY_INVALID_MSGPACK', 'The frame holds a value JSON has no equivalent for.', field),
    };
  }
  return { ok: true, value };
}

/** Encodes a reply in the frame type of the request it answers. */
export function encodeFrame(value: unknown, binary: boolean): string | Uint8Array {
  return binary ? packr.pack(value) : JSON.stringify(value);
}

const TOO_DEEP = Symbol('too deep');
const NOT_JSON = Symbol('not JSON');
const SHARED = Symbol('shared reference');

/**
 * Walks the value with an explicit stack (no recursion, no path strings on the way: this runs on every frame):
 * TOO_DEEP past maxDepth, SHARED at an object or array met a second time (a shared reference or a cycle), NOT_JSON
 * at a value plain JSON cannot hold (a msgpack binary, timestamp, extension, NaN). Every object is entered once, so
 * the walk is linear in the value's size; NOT_JSON is only answered once the whole value is known to be a tree
 * within maxDepth, which is what lets pathOfNonJson search it by recursion.
 */
function checkValue(root: unknown, maxDepth: number): typeof TOO_DEEP | typeof NOT_JSON | typeof SHARED | undefined {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  const seen = new Set<object>();
  let notJson = false;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) notJson = true;
      continue;
    }
    if (typeof value !== 'object' || !isJsonContainer(value)) {
      notJson = true;
      continue;
    }
    if (seen.has(value)) return SHARED;
    seen.add(value);
    if (depth >= maxDepth) return TOO_DEEP;
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      values.push(item);
      depths.push(depth + 1);
    }
  }
  return notJson ? NOT_JSON : undefined;
}

/** Where the first value plain JSON cannot hold is (only on the error path; the value is known a bounded tree). */
function pathOfNonJson(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || !isJsonContainer(value)) return path;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [`${path}[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [path ? `${path}.${key}` : key, item]);
  for (const [itemPath, item] of entries) {
    const found = pathOfNonJson(item, itemPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isJsonContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sharedReference(): DecodedFrame {
  return {
    ok: false,
    error: streamError(
      'BODY_INVALID_MSGPACK',
      'The frame refers to one object or array more than once (msgpack shared-reference extensions 0x69 and 0x70); JSON has no equivalent for that.',
    ),
  };
}

function tooDeep(maxDepth: number): DecodedFrame {
  return {
    ok: false,
    error: streamError('BODY_TOO_DEEP', `The frame nests objects and arrays deeper than ${maxDepth}.`),
  };
}
