// The triggered part of `arbiter demo`: events for the population run through triggers.yaml, sends counted by status.
import {
  type Channel,
  type ConfigSnapshot,
  createEngine,
  createTriggerRunner,
  InMemoryProfileStore,
  type Profile,
} from '@arbiter/engine';
import { percent, table } from './format.js';

/** A day's events of a few kinds for `count` subscribers, through a fresh engine, and what the triggers did. */
export async function triggeredDemo(
  config: ConfigSnapshot,
  population: readonly Profile[],
  now: number,
): Promise<string> {
  const profiles = new InMemoryProfileStore(population.map((p) => ({ ...p })));
  const engine = createEngine({ config, profiles, clock: () => now });
  const delivered = new Map<string, number>();
  const channel = (name: string): Channel => ({
    name,
    deliver: async (m) => {
      delivered.set(`${name}\t${m.actionId}`, (delivered.get(`${name}\t${m.actionId}`) ?? 0) + 1);
      return { ok: true };
    },
  });
  const runner = createTriggerRunner({
    engine,
    channels: [channel('sms'), channel('push')],
    clock: () => now,
    timers: false,
  });
  const statuses = new Map<string, number>();
  let events = 0;
  const started = performance.now();
  for (const [i, subscriber] of population.entries()) {
    for (const event of eventsFor(i, subscriber, now)) {
      events += 1;
      for (const r of await runner.onIngest(await engine.ingest(event))) {
        const key = `${r.triggerId}\t${r.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const firings = [...statuses.values()].reduce((a, b) => a + b, 0);
  const rows = [...statuses]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => [...key.split('\t'), n, percent(n, firings)]);
  const top = [...delivered]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, n]) => [...key.split('\t'), n]);
  return [
    `Triggered mode: ${events.toLocaleString('en-US')} events (usage reports, roaming attaches, care contacts) in ${seconds.toFixed(1)} s, ${firings.toLocaleString('en-US')} trigger firings:`,
    table(['trigger', 'status', 'firings', 'share'], rows),
    '',
    'Most sent:',
    table(['channel', 'action', 'sends'], top),
  ].join('\n');
}

/** Every subscriber reports data usage; every tenth attaches abroad; every seventh calls care twice, every 20th four times. */
function eventsFor(i: number, subscriber: Profile, now: number) {
  const subscriberId = subscriber.subscriberId;
  const event = (id: string, type: string, data: Record<string, unknown>) => ({
    id,
    type,
    subscriberId,
    time: now,
    data,
  });
  const events = [event(`demo-usage-${i}`, 'usage.data', { pct: 40 + ((i * 37) % 61) })];
  if (i % 10 === 0) {
    const zones = [
      ['US', 'America/New_York'],
      ['TR', 'Europe/Istanbul'],
      ['TH', 'Asia/Bangkok'],
    ] as const;
    const [country, timeZone] = zones[i % 3]!;
    events.push(event(`demo-roam-${i}`, 'network.roaming-attach', { country, timeZone }));
  }
  const careCalls = i % 20 === 0 ? 4 : i % 7 === 0 ? 2 : 0;
  for (let n = 1; n <= careCalls; n++) events.push(event(`demo-care-${i}-${n}`, 'care.contact', { waitMinutes: 12 }));
  return events;
}
