// `arbiter decide`: one explained decision for a story profile or a profile file, so analysts can try a rules change.
import { readFile } from 'node:fs/promises';
import { createEngine, type Decision, type Profile, storyProfiles } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { table } from './format.js';

export interface DecideOptions {
  rules: string;
  channel: string;
  story?: string;
  profile?: string;
  context?: string;
  limit?: number;
  now?: string;
  json?: boolean;
  out?: (line: string) => void;
}

/** Prints the decision and its funnel; exit code 0 on a decision, 1 on an error result. */
export async function decideCommand(options: DecideOptions): Promise<number> {
  const out = options.out ?? console.log;
  const profile = await pickProfile(options);
  const engine = createEngine({ config: await loadConfigDir(options.rules) });
  const request: Record<string, unknown> = { profile, channel: options.channel, explain: true };
  if (options.context) request.context = JSON.parse(options.context);
  if (options.limit !== undefined) request.limit = options.limit;
  if (options.now) request.now = options.now;
  const result = await engine.decide(request);
  if (options.json) {
    out(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    out(`error ${result.error.code}${result.error.field ? ` (${result.error.field})` : ''}: ${result.error.message}`);
    return 1;
  }
  out(render(result.decision));
  return 0;
}

async function pickProfile(options: DecideOptions): Promise<Profile> {
  if (options.profile) return JSON.parse(await readFile(options.profile, 'utf8')) as Profile;
  const stories: Record<string, Profile> = storyProfiles();
  const name = options.story ?? 'julia';
  const profile = stories[name];
  if (!profile) throw new Error(`unknown story "${name}" (known: ${Object.keys(stories).join(', ')})`);
  return profile;
}

function render(d: Decision): string {
  const lines = [
    `decision ${d.decisionId} for ${d.subscriberId} on ${d.channel}, config ${d.configVersion}, ${d.timings.total.toFixed(3)} ms`,
  ];
  lines.push(
    table(
      ['rank', 'action', 'priority', 'propensity', 'source', 'weight', 'value', 'lever'],
      d.actions.map((a) => [
        a.rank,
        a.actionId,
        a.terms.priority,
        a.terms.propensity,
        a.terms.propensitySource,
        a.terms.contextWeight,
        a.terms.value,
        a.terms.lever,
      ]),
    ),
  );
  for (const a of d.actions) lines.push(`  ${a.actionId}: ${JSON.stringify(a.treatment)}`);
  if (d.degraded.length > 0) lines.push(`degraded: ${d.degraded.map((x) => `${x.reason} (${x.detail})`).join('; ')}`);
  lines.push('', 'funnel:');
  const rows = (d.funnel ?? [])
    .filter((f) => f.reason !== 'NOT_ON_CHANNEL')
    .map((f) => [
      f.stage,
      f.actionId,
      f.reason,
      f.failures?.length ? describeFailure(f.failures[0]!) : (f.detail ?? ''),
    ]);
  lines.push(table(['stage', 'action', 'reason', 'detail'], rows));
  return lines.join('\n');
}

function describeFailure(f: {
  fact: string;
  path?: string;
  operator: string;
  expected: unknown;
  actual: unknown;
}): string {
  return `${f.fact}${f.path ? ` ${f.path}` : ''} ${f.operator} ${JSON.stringify(f.expected)} (actual ${JSON.stringify(f.actual) ?? 'undefined'})`;
}
