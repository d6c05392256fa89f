// The decide handler: one inbound decision on the current config, remembered for the subscriber's 360 view.
import type { Decision } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

/**
 * `input` is a DecisionRequest as the client sent it (the engine checks it): 200 with the decision, or 4xx/503.
 *
 * @example const { status, body } = await decide(runtime, { subscriberId: 'SUB-00000001', channel: 'app' });
 */
export function decide(runtime: Runtime, input: unknown, _caller?: Caller): Promise<HandlerResult<Decision>> {
  return guarded(async () => {
    const result = await runtime.engine().decide(input);
    if (!result.ok) return failure(result.error);
    runtime.recent.add(result.decision);
    runtime.metrics.decision(result.decision);
    return { status: 200, body: result.decision };
  });
}
