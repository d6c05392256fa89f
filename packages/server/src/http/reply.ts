// Sends a handler's answer: its status and body, nothing added (the routes stay one line each).
import type { HandlerResult } from '../handlers/handler-result.js';

/** The part of a Fastify reply `send` uses (any route's typed reply fits). */
interface Reply {
  code(status: number): { send(body: unknown): unknown };
}

/**
 * `reply.code(status).send(body)`; the route's response schema for that status serialises the body. An async
 * route that sent its reply resolves with nothing (Fastify sees the reply is sent).
 */
export function send(reply: Reply, result: HandlerResult): void {
  reply.code(result.status).send(result.body);
}
