// One frame from a client: decoded, checked, authorised, answered, and counted per message type in the metrics.
import { performance } from 'node:perf_hooks';
import { decodeFrame } from './frame-codec.js';
import { streamMessageRoles } from './stream-auth.js';
import type { StreamConnection } from './stream-connection.js';
import { decideSafely, errorOf, type StreamContext } from './stream-context.js';
import { type StreamError, type StreamFrameErrorCode, streamError, streamErrorStatus } from './stream-errors.js';
import type { ClientMessage, MessageId } from './stream-protocol.js';
import { checkMessage } from './stream-protocol.js';
import { deliver, settle } from './subscription-push.js';
import type { Subscription } from './subscription-registry.js';

const METHOD = 'WS';

/**
 * Handles one frame. Runs synchronously up to the first await, as uWS requires: the frame's bytes are only valid
 * inside the message callback. Never throws; a frame that cannot be answered properly is answered with an error.
 */
export function handleFrame(context: StreamContext, connection: StreamConnection, data: ArrayBuffer, binary: boolean) {
  const started = performance.now();
  const decoded = decodeFrame(data, binary, context.limits.maxDepth);
  if (!decoded.ok) return refuse(context, connection, binary, started, 'ws:invalid', undefined, decoded.error);
  const checked = checkMessage(decoded.value);
  if (!checked.ok) {
    const endpoint = checked.type ? `ws:${checked.type}` : 'ws:invalid';
    return refuse(context, connection, binary, started, endpoint, checked.id, checked.error);
  }
  const message = checked.message;
  const endpoint = `ws:${message.type}`;
  context.runtime.metrics?.request(endpoint, METHOD);
  const required = streamMessageRoles[message.type];
  if (required !== undefined && !context.roleAllows(connection.caller.role, required)) {
    const error = streamError('AUTH_FORBIDDEN', `A ${message.type} message needs the ${required} role or higher.`);
    return answerError(context, connection, binary, started, endpoint, message.id, error);
  }
  switch (message.type) {
    case 'ping':
      connection.answer({ id: message.id, type: 'pong' }, binary);
      return done(context, endpoint, started, 200);
    case 'unsubscribe': {
      const subscription = connection.subscriptions.get(message.subscriberId);
      if (subscription) context.registry.remove(subscription);
      connection.answer({ id: message.id, type: 'unsubscribed', subscriberId: message.subscriberId }, binary);
      return done(context, endpoint, started, 200);
    }
    case 'decide':
    case 'subscribe': {
      if (connection.inFlight >= context.limits.maxInFlight) {
        const error = streamError('STREAM_TOO_MANY_IN_FLIGHT');
        return answerError(context, connection, binary, started, endpoint, message.id, error);
      }
      connection.inFlight++;
      const work =
        message.type === 'decide'
          ? decide(context, connection, message, binary)
          : subscribe(context, connection, message, binary);
      context.track(
        work
          .catch(() => 500)
          .then((status) => {
            connection.inFlight--;
            done(context, endpoint, started, status);
          }),
      );
      return;
    }
  }
}

async function decide(
  context: StreamContext,
  connection: StreamConnection,
  message: Extract<ClientMessage, { type: 'decide' }>,
  binary: boolean,
): Promise<number> {
  const reply = await decideSafely(context, message.request, connection.caller);
  connection.answer({ id: message.id, type: 'decision', status: reply.status, body: reply.body }, binary);
  return reply.status;
}

/**
 * Subscribes, answering only once the first decision is made: a subscriber that cannot be decided for (unknown,
 * a bad channel or limit) is refused with that decision's error rather than followed silently. The subscription is
 * registered before the decision, so a profile change meanwhile is not missed: it is decided again after it.
 */
async function subscribe(
  context: StreamContext,
  connection: StreamConnection,
  message: Extract<ClientMessage, { type: 'subscribe' }>,
  binary: boolean,
): Promise<number> {
  const { id, subscriberId, channel, limit } = message;
  const existing = connection.subscriptions.get(subscriberId);
  if (!existing && connection.subscriptions.size >= context.limits.maxSubscriptions) {
    const error = streamError(
      'STREAM_TOO_MANY_SUBSCRIPTIONS',
      `This connection already follows ${context.limits.maxSubscriptions} subscribers; unsubscribe one first.`,
    );
    connection.answer({ id, type: 'error', error }, binary);
    return streamErrorStatus.STREAM_TOO_MANY_SUBSCRIPTIONS;
  }
  // A second subscribe for the same subscriber replaces the first (a new channel or limit).
  if (existing) context.registry.remove(existing);
  const subscription: Subscription = {
    connection,
    subscriberId,
    channel,
    binary,
    active: true,
    running: true,
    again: false,
    missed: false,
  };
  if (limit !== undefined) subscription.limit = limit;
  context.registry.add(subscription);
  const request: Record<string, unknown> = { subscriberId, channel };
  if (limit !== undefined) request.limit = limit;
  const reply = await decideSafely(context, request, connection.caller);
  if (!subscription.active) {
    // Unsubscribed, replaced or closed while the first decision was made: nothing is followed any more.
    connection.answer({ id, type: 'unsubscribed', subscriberId }, binary);
    return 200;
  }
  if (reply.status !== 200) {
    context.registry.remove(subscription);
    connection.answer({ id, type: 'error', error: errorOf(reply) }, binary);
    return reply.status;
  }
  connection.answer({ id, type: 'subscribed', subscriberId }, binary);
  deliver(context, subscription, reply.status, reply.body);
  settle(context, subscription);
  return 200;
}

function refuse(
  context: StreamContext,
  connection: StreamConnection,
  binary: boolean,
  started: number,
  endpoint: string,
  id: MessageId | undefined,
  error: StreamError,
): void {
  context.runtime.metrics?.request(endpoint, METHOD);
  answerError(context, connection, binary, started, endpoint, id, error);
}

function answerError(
  context: StreamContext,
  connection: StreamConnection,
  binary: boolean,
  started: number,
  endpoint: string,
  id: MessageId | undefined,
  error: StreamError,
): void {
  connection.answer(id === undefined ? { type: 'error', error } : { id, type: 'error', error }, binary);
  done(context, endpoint, started, streamErrorStatus[error.code as StreamFrameErrorCode] ?? 400);
}

function done(context: StreamContext, endpoint: string, started: number, status: number): void {
  context.runtime.metrics?.response(endpoint, METHOD, status, performance.now() - started);
}
