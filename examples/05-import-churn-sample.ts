// Example 5: import customers from the IBM Telco churn sample through a mapping file, then decide for one of them.
import { fileURLToPath } from 'node:url';
import { createEngine, InMemoryProfileStore } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { fileSource, importProfiles, loadMapping, memoryRejects } from '../packages/server/src/import/index.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function main() {
  // 40 rows of the IBM sample, 11 of them new customers with a blank TotalCharges (the mapping makes it 0).
  const mapping = await loadMapping(here('./mappings/telco-churn.yaml'));
  const profiles = new InMemoryProfileStore();
  const rejects = memoryRejects();
  const summary = await importProfiles({
    source: await fileSource(here('../packages/server/test/fixtures/churn-sample.csv')),
    format: 'csv',
    mapping,
    store: profiles,
    rejects,
  });
  console.log(`imported ${summary.valid} of ${summary.rows} rows, ${summary.invalid} rejected`);

  // Customer 7590-VHVEG is in their first month and pays by electronic check: what should the agent bring up?
  const config = await loadConfigDir(here('../rules'));
  const engine = createEngine({ config, profiles });
  const subscriberId = 'CUST-7590-VHVEG';
  const result = await engine.decide({ subscriberId, channel: 'agent', now: '2026-11-22T15:00:00Z' });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  for (const action of result.decision.actions) console.log(action.rank, action.actionId, action.treatment.script);
  return { summary, rejects: rejects.rows, profile: profiles.get(subscriberId)!, decision: result.decision };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
