// How a decision waits for its outcomes in Redis: the engine's logged decision as a compact msgpack array.
import type { EngineOptions } from '@arbiter/engine';
import { pack, unpack } from 'msgpackr';

/** The engine's `DecisionLog` contract (derived from the public `EngineOptions`). */
export type DecisionLog = NonNullable<EngineOptions['decisionLog']>;
/** What the engine remembers of a decision: subscriber, channel, time, and each returned action's issue/group. */
export type LoggedDecision = NonNullable<Awaited<ReturnType<DecisionLog['get']>>>;

/** `[subscriberId, channel, at, [[actionId, issue, group, mandatory (0|1)], ...]]`, about 60 bytes plus the ids. */
type Stored = [string, string, number, [string, string, string, 0 | 1][]];

export function encodeDecision(decision: LoggedDecision): Buffer {
  const actions: Stored[3] = [];
  for (const [actionId, action] of decision.actions) {
    actions.push([actionId, action.issue, action.group, action.mandatory ? 1 : 0]);
  }
  const stored: Stored = [decision.subscriberId, decision.channel, decision.at, actions];
  return pack(stored);
}

export function decodeDecision(bytes: Buffer): LoggedDecision {
  const [subscriberId, channel, at, actions] = unpack(bytes) as Stored;
  return {
    subscriberId,
    channel,
    at,
    actions: new Map(
      actions.map(([id, issue, group, mandatory]) => [id, { issue, group, mandatory: mandatory === 1 }]),
    ),
  };
}
