// Example 3: report outcomes; contact history then makes the next decision honour caps and suppression.
import { fileURLToPath } from 'node:url';
import { createEngine, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

export async function main() {
  const config = await loadConfigDir(fileURLToPath(new URL('../rules', import.meta.url)));
  const engine = createEngine({ config });
  const { julia } = storyProfiles();
  const now = Date.parse('2026-11-22T15:00:00Z');

  const first = await engine.decide({ profile: julia!, channel: 'sms', now });
  if (!first.ok || !first.decision.actions[0]) throw new Error('expected an SMS offer for Julia');
  const sent = first.decision.actions[0];
  // The SMS was sent: record it. Julia's daily SMS cap is now spent.
  await engine.recordOutcome({ decisionId: first.decision.decisionId, actionId: sent.actionId, outcome: 'impression', at: now });

  const second = await engine.decide({ profile: julia!, channel: 'sms', now: now + 60_000, explain: true });
  if (!second.ok) throw new Error(second.error.message);
  const capped = second.decision.funnel?.find((f) => f.actionId === sent.actionId);
  console.log(`first SMS: ${sent.actionId}; a minute later: ${second.decision.actions.length} SMS offers, ${sent.actionId} -> ${capped?.reason} (${capped?.detail})`);
  return { first: first.decision, second: second.decision };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
