// The stream's messages: what a client may send, what the server answers and pushes, and the check of each frame.
import { type StreamError, streamError } from './stream-errors.js';

/** A client's correlation id, echoed on the answer. */
export type MessageId = string | number;

export type ClientMessage =
  | { id: MessageId; type: 'decide'; request: Record<string, unknown> }
  | { id: MessageId; type: 'subscribe'; subscriberId: string; channel: string; limit?: number }
  | { id: MessageId; type: 'unsubscribe'; subscriberId: string }
  | { id: MessageId; type: 'ping' };

export type ClientMessageType = ClientMessage['type'];

export type ServerMessage =
  | { id: MessageId; type: 'decision'; status: number; body: unknown }
  | { id: MessageId; type: 'subscribed'; subscriberId: string }
  | { id: MessageId; type: 'unsubscribed'; subscriberId: string }
  | { id: MessageId; type: 'pong' }
  | { type: 'recommendations'; subscriberId: string; decision: unknown }
  | { id?: MessageId; type: 'error'; subscriberId?: string; error: StreamError };

/** The fields each message type takes besides `id` and `type`; any other field is refused. */
const FIELDS: Record<ClientMessageType, readonly string[]> = {
  decide: ['request'],
  subscribe: ['subscriberId', 'channel', 'limit'],
  unsubscribe: ['subscriberId'],
  ping: [],
};

const MAX_ID_LENGTH = 128;
const MAX_SUBSCRIBER_ID_LENGTH = 128;
const MAX_CHANNEL_LENGTH = 64;

export type CheckedMessage =
  | { ok: true; message: ClientMessage }
  | { ok: false; id?: MessageId; type?: ClientMessageType; error: StreamError };

/** Checks a decoded frame against the protocol. The id is kept whenever it is usable, so the error can answer it. */
export function checkMessage(value: unknown): CheckedMessage {
  if (!isPlainObject(value)) return invalid(undefined, undefined, 'A message is a JSON (or msgpack) object.');
  const id = value.id;
  if (!isMessageId(id)) {
    return invalid(
      undefined,
      'id',
      `A message needs an id: a string of 1 to ${MAX_ID_LENGTH} characters or a finite number.`,
    );
  }
  const type = value.type;
  if (typeof type !== 'string') return invalid(id, 'type', 'A message needs a string type.');
  if (!Object.hasOwn(FIELDS, type)) {
    return {
      ok: false,
      id,
      error: streamError('STREAM_UNKNOWN_TYPE', `Unknown message type "${type.slice(0, 40)}".`, 'type'),
    };
  }
  const messageType = type as ClientMessageType;
  const allowed = FIELDS[messageType];
  for (const key of Object.keys(value)) {
    if (key !== 'id' && key !== 'type' && !allowed.includes(key)) {
      return invalid(id, key.slice(0, 64), `Unknown field for a ${messageType} message.`, messageType);
    }
  }
  switch (messageType) {
    case 'decide':
      if (!isPlainObject(value.request)) {
        return invalid(id, 'request', 'A decide message needs a request object (a DecisionRequest).', messageType);
      }
      return { ok: true, message: { id, type: 'decide', request: value.request } };
    case 'subscribe': {
      const subscriberId = checkString(value.subscriberId, MAX_SUBSCRIBER_ID_LENGTH);
      if (subscriberId === undefined) return badString(id, 'subscriberId', MAX_SUBSCRIBER_ID_LENGTH, messageType);
      const channel = checkString(value.channel, MAX_CHANNEL_LENGTH);
      if (channel === undefined) return badString(id, 'channel', MAX_CHANNEL_LENGTH, messageType);
      const limit = value.limit;
      if (limit !== undefined && typeof limit !== 'number') {
        return invalid(id, 'limit', 'limit is a number of actions.', messageType);
      }
      const message: ClientMessage = { id, type: 'subscribe', subscriberId, channel };
      if (limit !== undefined) message.limit = limit;
      return { ok: true, message };
    }
    case 'unsubscribe': {
      const subscriberId = checkString(value.subscriberId, MAX_SUBSCRIBER_ID_LENGTH);
      if (subscriberId === undefined) return badString(id, 'subscriberId', MAX_SUBSCRIBER_ID_LENGTH, messageType);
      return { ok: true, message: { id, type: 'unsubscribe', subscriberId } };
    }
    case 'ping':
      return { ok: true, message: { id, type: 'ping' } };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isMessageId(id: unknown): id is MessageId {
  if (typeof id === 'number') return Number.isFinite(id);
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

function checkString(value: unknown, maxLength: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}

function badString(id: MessageId, field: string, maxLength: number, type: ClientMessageType): CheckedMessage {
  return invalid(id, field, `${field} is a string of 1 to ${maxLength} characters.`, type);
}

function invalid(
  id: MessageId | undefined,
  field: string | undefined,
  message: string,
  type?: ClientMessageType,
): CheckedMessage {
  const result: CheckedMessage = { ok: false, error: streamError('STREAM_INVALID_MESSAGE', message, field) };
  if (id !== undefined) result.id = id;
  if (type !== undefined) result.type = type;
  return result;
}
