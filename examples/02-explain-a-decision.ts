// Example 2: ask for the funnel and see, for every action, the stage it stopped at and why.
import { fileURLToPath } from 'node:url';
import { createEngine, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

export async function main() {
  const config = await loadConfigDir(fileURLToPath(new URL('../rules', import.meta.url)));
  const engine = createEngine({ config });
  const { frustrated } = storyProfiles();

  // A profile can be passed inline: handy for "what if" questions without a profile store.
  const result = await engine.decide({
    profile: frustrated!,
    channel: 'agent',
    explain: true,
    now: '2026-11-22T10:00:00Z',
  });
  if (!result.ok) throw new Error(result.error.message);
  for (const entry of result.decision.funnel ?? []) {
    if (entry.reason === 'NOT_ON_CHANNEL') continue;
    const why = entry.failures?.[0];
    console.log(
      entry.stage.padEnd(12),
      entry.reason.padEnd(18),
      entry.actionId,
      why
        ? `${why.fact} ${why.operator} ${JSON.stringify(why.expected)}, was ${JSON.stringify(why.actual)}`
        : (entry.detail ?? ''),
    );
  }
  return result.decision;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
