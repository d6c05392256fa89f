// The event `engine.ingest` takes: its shape, and the check that turns outside input into a normalised event.
import { timeValue } from '../time-value.js';
import type { EventErrorCode } from './event-errors.js';

/** Something that happened to a subscriber, as a producer sends it. */
export interface SubscriberEventInput {
  /** Unique per event: a producer's retry carries the same id, and the engine applies it once. */
  id: string;
  /** e.g. `care.contact`, `usage.data`, `network.roaming-attach`. */
  type: string;
  subscriberId: string;
  /** When it happened: epoch ms or ISO 8601. */
  time: number | string;
  /** Type-specific payload that features read (`pct`, `country`, ...); default `{}`. */
  data?: Record<string, unknown>;
}

/** A validated event: time as epoch ms, data always an object. */
export interface SubscriberEvent {
  readonly id: string;
  readonly type: string;
  readonly subscriberId: string;
  readonly time: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An ingest error: a code from the events catalogue, a message, and the field at fault when there is one. */
export interface EventError {
  code: EventErrorCode;
  message: string;
  field?: string;
}

const FIELDS = new Set(['id', 'type', 'subscriberId', 'time', 'data']);
/** Longest id and type accepted: ids are remembered for dedupe, so they are bounded. */
export const MAX_ID_LENGTH = 256;
export const MAX_TYPE_LENGTH = 128;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The normalised event, or the first problem with the field at fault.
 * @example validateEvent({ id: 'e1', type: 'care.contact', subscriberId: 'SUB-00000001', time: '2026-05-01T10:00:00Z' })
 */
export function validateEvent(input: unknown): { value: SubscriberEvent } | { error: EventError } {
  if (!isPlainObject(input)) return fail(undefined, 'the event must be an object');
  for (const key in input) if (!FIELDS.has(key)) return fail(key, `unknown field "${key}"`);
  const { id, type, subscriberId, time, data } = input;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    return fail('id', `id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  if (typeof type !== 'string' || type === '' || type.length > MAX_TYPE_LENGTH) {
    return fail('type', `type must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`);
  }
  if (typeof subscriberId !== 'string' || subscriberId === '') {
    return fail('subscriberId', 'subscriberId must be a non-empty string');
  }
  const ms = parseEventTime(time);
  if (ms === undefined) {
    return fail('time', 'time must be epoch milliseconds or an ISO 8601 timestamp', 'INVALID_TIME');
  }
  if (data !== undefined && !isPlainObject(data)) return fail('data', 'data must be an object');
  return { value: { id, type, subscriberId, time: ms, data: data ?? {} } };
}

/** An event's time: a time value, and as a number not before 1970. */
function parseEventTime(value: unknown): number | undefined {
  return typeof value === 'number' && value < 0 ? undefined : timeValue(value);
}

/** An event refused, with the field at fault (module level: a closure made per event costs a name definition under tsx). */
function fail(
  field: string | undefined,
  message: string,
  code: EventError['code'] = 'INVALID_EVENT',
): { error: EventError } {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}
