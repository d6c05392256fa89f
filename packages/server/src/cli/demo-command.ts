// `arbiter demo`: the main job until the server lands: decide for a generated population on the demo playbook and
// print a readable summary (throughput, what was chosen, why candidates dropped out, and the five stories).
import {
  createEngine,
  type Decision,
  type Engine,
  generatePopulation,
  InMemoryProfileStore,
  type Profile,
  storyProfiles,
} from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { triggeredDemo } from './demo-triggered.js';
import { percent, table } from './format.js';
import { progress } from './progress.js';

export interface DemoOptions {
  rules: string;
  count: number;
  seed: number;
  /** Decision time for the whole run (ISO), so the demo is reproducible; default: now. */
  now?: string;
  out?: (line: string) => void;
}

const STORIES: readonly { name: string; story: string; channel: string }[] = [
  { name: 'julia', story: 'just attached to a US network', channel: 'sms' },
  { name: 'household', story: 'three lines in one household, billed separately', channel: 'agent' },
  { name: 'renewal', story: 'contract ends in 21 days', channel: 'app' },
  { name: 'frustrated', story: '5 care contacts in 90 days, calls the care line', channel: 'agent' },
  { name: 'heavyUser', story: '82 % of the data bundle used', channel: 'app' },
];

/** Runs the demo and returns the number of decisions made. */
export async function demoCommand(options: DemoOptions): Promise<number> {
  const out = options.out ?? console.log;
  const now = options.now ? Date.parse(options.now) : Date.now();
  const config = await loadConfigDir(options.rules);
  const issues = new Set(config.actions.map((a) => a.issue));
  out(
    `Arbiter demo: ${options.rules} version ${config.version}, ${config.actions.length} actions, ${issues.size} issues, ${config.channels.length} channels, ${config.models.size} model(s)`,
  );

  const started = performance.now();
  const profiles = new InMemoryProfileStore(generatePopulation({ seed: options.seed, count: options.count }));
  out(
    `Population: ${profiles.size.toLocaleString('en-US')} generated subscribers (seed ${options.seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const engine = createEngine({ config, profiles, clock: () => now });

  const rows: (string | number)[][] = [];
  const chosen = new Map<string, Map<string, number>>();
  let decisions = 0;
  for (const channel of ['app', 'agent', 'web', 'sms']) {
    const stats = await decideAll(engine, profiles, channel, now, chosen);
    decisions += stats.count;
    rows.push([
      channel,
      stats.count,
      Math.round(stats.count / stats.seconds),
      stats.p50,
      stats.p99,
      percent(stats.withAction, stats.count),
      stats.actions / stats.count,
    ]);
  }
  out(table(['channel', 'decisions', 'per second', 'p50 ms', 'p99 ms', 'with an offer', 'actions each'], rows));

  // A second SMS round at the same moment: every SMS sent above was recorded, so the daily SMS cap must hold.
  const second = await decideAll(engine, profiles, 'sms', now, new Map());
  out(
    `\nSecond SMS round at the same moment: ${second.withAction.toLocaleString('en-US')} of ${second.count.toLocaleString('en-US')} subscribers would get another SMS (contact policy caps hold).\n`,
  );

  for (const channel of ['app', 'agent']) {
    const counts = [...(chosen.get(channel) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 8);
    out(`Top actions on ${channel} (rank 1):`);
    out(
      table(
        ['action', 'issue', 'decisions'],
        counts.map(([id, n]) => [id, config.actionById.get(id)?.issue ?? '', n]),
      ),
    );
    out('');
  }
  out(await dropReasons(engine, profiles, 'app', now, 2_000));
  out(`\n${await triggeredDemo(config, [...profiles.values()].slice(0, 5_000), now)}`);
  out(`\nThe five stories:`);
  const stories: Record<string, Profile> = storyProfiles();
  for (const s of STORIES) {
    const profile = stories[s.name];
    if (profile) out(await explainStory(engine, profile, s, now));
  }
  return decisions;
}

async function decideAll(
  engine: Engine,
  profiles: InMemoryProfileStore,
  channel: string,
  now: number,
  chosen: Map<string, Map<string, number>>,
) {
  const latencies: number[] = [];
  let withAction = 0;
  let actions = 0;
  const bar = progress(`decide ${channel}`, profiles.size);
  const counts = chosen.get(channel) ?? new Map<string, number>();
  chosen.set(channel, counts);
  const started = performance.now();
  for (const profile of profiles.values()) {
    const t = performance.now();
    const result = await engine.decide({ subscriberId: profile.subscriberId, channel, now });
    latencies.push(performance.now() - t);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    const top = result.decision.actions[0];
    if (top) {
      withAction += 1;
      counts.set(top.actionId, (counts.get(top.actionId) ?? 0) + 1);
      // Outbound decisions are sends: record them so caps count them. Inbound ones count when shown.
      await engine.recordOutcome({
        decisionId: result.decision.decisionId,
        actionId: top.actionId,
        outcome: 'impression',
        at: now,
      });
    }
    actions += result.decision.actions.length;
    if (latencies.length % 5_000 === 0) bar.update(latencies.length);
  }
  const seconds = (performance.now() - started) / 1000;
  bar.done(latencies.length);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 1000) / 1000;
  return { count: latencies.length, seconds, withAction, actions, p50: at(0.5), p99: at(0.99) };
}

async function dropReasons(
  engine: Engine,
  profiles: InMemoryProfileStore,
  channel: string,
  now: number,
  sample: number,
): Promise<string> {
  const counts = new Map<string, number>();
  let total = 0;
  let n = 0;
  for (const profile of profiles.values()) {
    if (n++ >= sample) break;
    const result = await engine.decide({ subscriberId: profile.subscriberId, channel, now, explain: true });
    if (!result.ok) continue;
    for (const entry of result.decision.funnel ?? []) {
      const key = `${entry.stage}\t${entry.reason}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total += 1;
    }
  }
  const rows = [...counts].sort((a, b) => b[1] - a[1]).map(([key, c]) => [...key.split('\t'), c, percent(c, total)]);
  return `Where each action stopped, over ${Math.min(sample, profiles.size).toLocaleString('en-US')} explained ${channel} decisions:\n${table(['stage', 'reason', 'actions', 'share'], rows)}`;
}

async function explainStory(
  engine: Engine,
  profile: Profile,
  s: (typeof STORIES)[number],
  now: number,
): Promise<string> {
  const result = await engine.decide({ profile, channel: s.channel, now, explain: true });
  if (!result.ok) return `- ${s.name}: error ${result.error.code}`;
  const lines = [`- ${s.name} (${s.story}), on ${s.channel}:`];
  if (result.decision.actions.length === 0) {
    // Say why nothing was chosen: the contact policy verdicts (quiet hours at this time of day, say).
    const reasons = new Set((result.decision.funnel ?? []).filter((f) => f.stage === 'policy').map((f) => f.detail));
    lines.push(`    nothing now: ${[...reasons].join('; ') || 'no eligible action'}`);
  }
  for (const a of result.decision.actions) {
    lines.push(`    ${a.rank}. ${a.actionId}${a.mandatory ? ' (mandatory)' : ''}: ${describeTerms(a.terms)}`);
    lines.push(`       "${a.treatment.text ?? a.treatment.script ?? a.treatment.body ?? a.treatment.title}"`);
  }
  return lines.join('\n');
}

function describeTerms(t: Decision['actions'][number]['terms']): string {
  return `priority ${t.priority.toFixed(3)} = propensity ${t.propensity.toFixed(3)} (${t.propensitySource}) x weight ${t.contextWeight} x value ${t.value} x lever ${t.lever.toFixed(2)}`;
}
