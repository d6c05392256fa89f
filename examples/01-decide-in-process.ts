// Example 1: load the demo playbook, embed the engine, and decide for Julia, who just landed in New York.
import { fileURLToPath } from 'node:url';
import { createEngine, InMemoryProfileStore, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

export async function main() {
  const config = await loadConfigDir(fileURLToPath(new URL('../rules', import.meta.url)));
  const { julia } = storyProfiles();
  const profiles = new InMemoryProfileStore([julia!]);
  const engine = createEngine({ config, profiles });

  const result = await engine.decide({
    subscriberId: julia!.subscriberId,
    channel: 'sms',
    now: '2026-11-22T15:00:00Z',
  });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  for (const action of result.decision.actions) {
    console.log(action.rank, action.actionId, action.terms.priority.toFixed(3), action.treatment.text);
  }
  return result.decision;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
