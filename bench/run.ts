// Runs every benchmark, prints one table, and writes the results as JSON (bench/results/latest.json).
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generatePopulation } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { benchCampaign } from './campaign.js';
import { benchDecide } from './decide.js';
import { benchHttp } from './http.js';
import { benchProfiles } from './profiles.js';
import { benchRules } from './rules.js';
import { benchTriggers } from './triggers.js';
import type { BenchResult } from './types.js';
import { benchWs } from './ws.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));

/** The demo playbook's eligibility conditions and facts from generated profiles, for the rules comparison. */
async function playbookRules() {
  const config = await loadConfigDir(RULES);
  const { eligibility, actions } = config.sources;
  const conditions = [
    ...actions.flatMap((a) => (a.eligibility === undefined ? [] : [a.eligibility])),
    ...Object.values(eligibility.issues),
    ...Object.values(eligibility.groups),
  ];
  const facts = [...generatePopulation({ seed: 11, count: 500 })].map((p) => ({ ...p, channel: 'app', context: {} }));
  return { conditions, facts, named: eligibility.conditions as Record<string, unknown> };
}

function print(result: BenchResult): string {
  const lines = [
    `## ${result.name}`,
    '',
    '| case | ops/s | p50 µs | p99 µs | note |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.case} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${r.p50Us?.toFixed(1) ?? ''} | ${r.p99Us?.toFixed(1) ?? ''} | ${r.note ?? ''} |`,
    );
  }
  lines.push('', '| measure | value | target | met |', '| --- | ---: | ---: | --- |');
  for (const r of result.ratios) {
    const met =
      r.target === undefined ? '' : (r.better === 'lower' ? r.value <= r.target : r.value >= r.target) ? 'yes' : 'NO';
    lines.push(
      `| ${r.name} | ${r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(2)} | ${r.target?.toLocaleString('en-US') ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

const only = process.argv[2];
const results: BenchResult[] = [];
if (!only || only === 'rules') results.push(await benchRules(await playbookRules()));
if (!only || only === 'decide') results.push(await benchDecide());
if (!only || only === 'profiles') results.push(await benchProfiles());
if (!only || only === 'triggers') results.push(await benchTriggers());
if (!only || only === 'http') results.push(await benchHttp());
if (!only || only === 'ws') results.push(await benchWs());
if (!only || only === 'campaign') {
  // `npm run bench -- campaign <id>` benches that campaign; default: the one whose segment is widest.
  results.push(await benchCampaign(process.argv[3] ? { campaignId: process.argv[3] } : {}));
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
const report = [`Benchmarks, ${new Date().toISOString().slice(0, 10)}, ${machine}`, '', ...results.map(print)].join(
  '\n\n',
);
console.log(report);
const dir = fileURLToPath(new URL('./results', import.meta.url));
await mkdir(dir, { recursive: true });
await writeFile(
  `${dir}/latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
);
