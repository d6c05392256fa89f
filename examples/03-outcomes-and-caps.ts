// Example 3: report outcomes; contact history then makes the next decision honour caps and cooldowns.
import { fileURLToPath } from 'node:url';
import { createEngine, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

export async function main() {
  const config = await loadConfigDir(fileURLToPath(new URL('../rules', import.meta.url)));
  const engine = createEngine({ config });
  const { julia } = storyProfiles();
  const now = Date.parse('2026-11-22T15:00:00Z');

  // Julia lands in New York: the regulatory roaming notice (mandatory, first) and the best pass go out by SMS.
  const first = await engine.decide({ profile: julia, channel: 'sms', limit: 2, now });
  if (!first.ok) throw new Error(first.error.message);
  for (const sent of first.decision.actions) {
    await engine.recordOutcome({
      decisionId: first.decision.decisionId,
      actionId: sent.actionId,
      outcome: 'impression',
      at: now,
    });
  }

  // A minute later nothing more goes out: the offers spent the daily SMS cap, the sent ones rest (cooldowns).
  const second = await engine.decide({ profile: julia, channel: 'sms', now: now + 60_000, explain: true });
  if (!second.ok) throw new Error(second.error.message);
  console.log(
    `sent: ${first.decision.actions.map((a) => a.actionId).join(', ')}; a minute later: ${second.decision.actions.length} SMS`,
  );
  for (const f of second.decision.funnel ?? [])
    if (f.stage === 'policy') console.log(`  ${f.actionId}: ${f.reason} (${f.detail})`);
  return { first: first.decision, second: second.decision };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
