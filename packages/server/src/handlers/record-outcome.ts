// The outcome handler: an impression, click, accept, reject or convert against a decision, into contact history.
import type { OutcomeRequest } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

/**
 * `input` is an OutcomeRequest as the client sent it (the engine checks it): 202 `{ ok: true }` once recorded.
 * Any engine will do: the decision log and contact history are shared by every config version.
 *
 * @example await recordOutcome(runtime, { decisionId, actionId: 'roaming-pass-us', outcome: 'accept' });
 */
export function recordOutcome(
  runtime: Runtime,
  input: unknown,
  _caller?: Caller,
): Promise<HandlerResult<{ ok: true }>> {
  return guarded(async () => {
    const result = await runtime.engine().recordOutcome(input as OutcomeRequest);
    if (!result.ok) return failure(result.error);
    const { actionId, outcome } = input as OutcomeRequest;
    runtime.metrics.outcome(actionId, outcome);
    return { status: 202, body: { ok: true as const } };
  });
}
