// What the schemas cannot check about the demo playbook: its size and coverage, its texts, its references,
// and its eligibility against the story subscribers and a generated population (json-rules-engine decides).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine, type TopLevelCondition } from 'json-rules-engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CampaignOutcome } from '../packages/engine/src/campaigns/index.js';
import { createCampaignDecider } from '../packages/engine/src/campaigns/index.js';
import { loadConfigDir } from '../packages/engine/src/config/load-files.js';
import {
  type GeneratedProfile,
  generatePopulation,
  PROFILE_ATTRIBUTES,
  storyProfiles,
} from '../packages/engine/src/population/index.js';

interface PlaybookAction {
  id: string;
  name: string;
  kind?: 'offer' | 'care' | 'message';
  issue: string;
  group: string;
  channels: string[];
  value: number;
  propensity?: number;
  model?: string;
  mandatory?: boolean;
  attributes?: Record<string, unknown>;
  eligibility?: unknown;
  treatments: Record<string, Record<string, string>>;
}

const load = (file: string): Record<string, unknown> =>
  parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Record<string, unknown>;

const actions = (load('actions.yaml').actions ?? []) as PlaybookAction[];
const eligibility = load('eligibility.yaml') as {
  conditions: Record<string, unknown>;
  issues: Record<string, unknown>;
  groups: Record<string, unknown>;
};
const arbitration = load('arbitration.yaml') as {
  issues: string[];
  levers: { groups: Record<string, number>; issues: Record<string, number> };
  limits: { groups: Record<string, number>; issues: Record<string, number> };
  contextWeights: Record<string, Record<string, number>>;
};
const contactPolicy = load('contact-policy.yaml') as {
  channels: Record<string, unknown>;
  caps: Record<string, unknown>[];
  cooldowns: Record<string, unknown>[];
  suppression: Record<string, unknown>[];
};

/** The actions each demo story is about; the README tells the same stories. */
const STORY_ACTIONS: Record<string, readonly string[]> = {
  julia: ['roam-us-2gb', 'roam-us-day-1gb'],
  household: ['family-plan-bundle'],
  renewal: ['device-renewal-flagship', 'device-renewal-midrange', 'msg-contract-end-notice'],
  frustrated: ['care-goodwill-data', 'care-goodwill-credit', 'care-priority-callback'],
  heavyUser: ['topup-5gb', 'topup-1gb'],
};

/** Actions that may rightly reach most subscribers; none in this playbook. An action for more than 60 % of
 * subscribers is not targeting anyone (the broadest today, the direct-debit nudge, reaches every manual payer). */
const BROAD_BY_DESIGN = new Set<string>();

/** Widest realistic rendering of each placeholder, to measure SMS texts as sent. */
const PLACEHOLDER_WIDTH: Record<string, number> = {
  firstName: 10,
  roamingCountry: 2,
  dataUsedPct: 5,
  contractDaysLeft: 3,
  householdLines: 1,
  tenureMonths: 2,
  careContacts90d: 2,
  deviceAgeMonths: 2,
  npsScore: 2,
  arpu: 6,
};
const DEFAULT_PLACEHOLDER_WIDTH = 12;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

const FIELDS_PER_CHANNEL: Record<string, readonly string[]> = {
  web: ['title', 'body'],
  app: ['title', 'body'],
  push: ['title', 'body'],
  agent: ['title', 'script'],
  sms: ['text'],
  email: ['subject', 'body'],
};

/** Every `fact` and every `{ condition: name }` a condition mentions, at any depth. */
function references(condition: unknown, out = { facts: new Set<string>(), conditions: new Set<string>() }) {
  if (Array.isArray(condition)) for (const c of condition) references(c, out);
  else if (condition !== null && typeof condition === 'object') {
    const c = condition as Record<string, unknown>;
    if (typeof c.fact === 'string') out.facts.add(c.fact);
    if (typeof c.condition === 'string') out.conditions.add(c.condition);
    for (const key of ['all', 'any', 'not']) if (key in c) references(c[key], out);
  }
  return out;
}

/** One json-rules-engine rule per action (of those `only` keeps): its own, its issue's and its group's conditions. */
function playbookEngine(only: (action: PlaybookAction) => boolean = () => true): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, condition] of Object.entries(eligibility.conditions)) {
    engine.setCondition(name, condition as TopLevelCondition);
  }
  for (const action of actions.filter(only)) {
    const parts = [action.eligibility, eligibility.issues[action.issue], eligibility.groups[action.group]];
    engine.addRule({
      name: action.id,
      conditions: { all: parts.filter((p) => p !== undefined) } as TopLevelCondition,
      event: { type: action.id },
    });
  }
  return engine;
}

async function eligibleActions(engine: Engine, profile: GeneratedProfile): Promise<Set<string>> {
  const { events } = await engine.run({ ...profile, channel: 'app', context: {} });
  return new Set(events.map((e) => e.type));
}

describe('playbook structure', () => {
  it('has at least 60 actions with unique kebab-case ids', () => {
    expect(actions.length).toBeGreaterThanOrEqual(60);
    const ids = actions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('uses every issue of arbitration.yaml, at least five, and no other', () => {
    const used = new Set(actions.map((a) => a.issue));
    expect(used.size).toBeGreaterThanOrEqual(5);
    expect([...used].sort()).toEqual([...arbitration.issues].sort());
  });

  it('has a complete treatment for every channel of every action, and none for other channels', () => {
    for (const a of actions) {
      expect(Object.keys(a.treatments).sort(), a.id).toEqual([...a.channels].sort());
      for (const channel of a.channels) {
        const treatment = a.treatments[channel] ?? {};
        for (const field of FIELDS_PER_CHANNEL[channel] ?? ['title', 'body']) {
          expect(treatment[field], `${a.id} ${channel}.${field}`).toMatch(/\S/);
        }
      }
    }
  });

  it('offers every action on at least one inbound channel or SMS, and most on web, app, agent and sms', () => {
    for (const a of actions)
      expect(
        a.channels.some((c) => ['web', 'app', 'agent', 'sms'].includes(c)),
        a.id,
      ).toBe(true);
    const onAllFour = actions.filter((a) => ['web', 'app', 'agent', 'sms'].every((c) => a.channels.includes(c)));
    expect(onAllFour.length).toBeGreaterThan(actions.length / 2);
  });

  it('keeps SMS texts within 160 characters with placeholders filled', () => {
    for (const a of actions) {
      const text = a.treatments.sms?.text;
      if (text === undefined) continue;
      const sent = text.replace(PLACEHOLDER, (_m, name: string) =>
        'x'.repeat(PLACEHOLDER_WIDTH[name] ?? DEFAULT_PLACEHOLDER_WIDTH),
      );
      expect(sent.length, `${a.id}: ${sent}`).toBeLessThanOrEqual(160);
    }
  });

  it('fills placeholders only from documented profile attributes', () => {
    const known = new Set<string>(PROFILE_ATTRIBUTES);
    for (const a of actions) {
      for (const text of Object.values(a.treatments).flatMap((t) => Object.values(t))) {
        for (const [, name] of text.matchAll(PLACEHOLDER)) expect(known, `${a.id}: {{${name}}}`).toContain(name);
      }
    }
  });

  it('scores offers with the offer-acceptance model on price and dataGb, and the rest on priors', () => {
    for (const a of actions) {
      expect(a.value, a.id).toBeGreaterThanOrEqual(0);
      if (a.propensity !== undefined) {
        expect(a.propensity, a.id).toBeGreaterThanOrEqual(0.01);
        expect(a.propensity, a.id).toBeLessThanOrEqual(0.25);
      }
      if ((a.kind ?? 'offer') === 'offer') {
        expect(a.model, a.id).toBe('offer-acceptance');
        expect(typeof a.attributes?.price, `${a.id} price`).toBe('number');
        expect(typeof a.attributes?.dataGb, `${a.id} dataGb`).toBe('number');
      } else {
        expect(a.model, a.id).toBeUndefined();
        expect(a.propensity, a.id).toBeDefined();
      }
    }
  });

  it('marks only service and regulatory messages mandatory', () => {
    const mandatory = actions.filter((a) => a.mandatory === true);
    expect(mandatory.length).toBeGreaterThan(0);
    for (const a of mandatory) expect(a.kind, a.id).toBe('message');
  });
});

describe('playbook references', () => {
  const documentedFacts = new Set<string>([...PROFILE_ATTRIBUTES, 'channel', 'context']);
  const groups = new Set(actions.map((a) => a.group));
  const issues = new Set(actions.map((a) => a.issue));
  const conditionSources = [
    ...actions.map((a) => [a.id, a.eligibility] as const),
    ...Object.entries(eligibility.conditions),
    ...Object.entries(eligibility.issues),
    ...Object.entries(eligibility.groups),
  ];

  it('reads only documented profile attributes, channel and context as facts', () => {
    for (const [where, condition] of conditionSources) {
      for (const fact of references(condition).facts) expect(documentedFacts, `${where}: ${fact}`).toContain(fact);
    }
  });

  it('refers only to named conditions that exist', () => {
    const named = new Set(Object.keys(eligibility.conditions));
    for (const [where, condition] of conditionSources) {
      for (const name of references(condition).conditions) expect(named, `${where}: ${name}`).toContain(name);
    }
  });

  it('names only existing issues and groups in eligibility, arbitration and contact policy', () => {
    for (const issue of Object.keys(eligibility.issues)) expect(issues).toContain(issue);
    for (const group of Object.keys(eligibility.groups)) expect(groups).toContain(group);
    for (const group of [...Object.keys(arbitration.levers.groups), ...Object.keys(arbitration.limits.groups)]) {
      expect(groups).toContain(group);
    }
    for (const issue of [...Object.keys(arbitration.levers.issues), ...Object.keys(arbitration.limits.issues)]) {
      expect(issues).toContain(issue);
    }
    for (const weights of Object.values(arbitration.contextWeights)) {
      for (const issue of Object.keys(weights)) expect(issues).toContain(issue);
    }
    const rules = [...contactPolicy.caps, ...contactPolicy.cooldowns, ...contactPolicy.suppression];
    const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [String(v)]);
    for (const rule of rules) {
      for (const g of asList(rule.group)) expect(groups, String(rule.id)).toContain(g);
      for (const i of asList(rule.issue)) expect(issues, String(rule.id)).toContain(i);
      for (const c of asList(rule.channel)) expect(Object.keys(contactPolicy.channels), String(rule.id)).toContain(c);
    }
  });

  it('offers actions only on channels the contact policy defines', () => {
    for (const a of actions) for (const c of a.channels) expect(Object.keys(contactPolicy.channels), a.id).toContain(c);
  });
});

describe('playbook eligibility (json-rules-engine)', () => {
  let engine: Engine;
  beforeAll(() => {
    engine = playbookEngine();
  });

  const stories = storyProfiles();

  it('has at least one action for every story', () => {
    expect(Object.keys(STORY_ACTIONS).sort()).toEqual(Object.keys(stories).sort());
    const ids = new Set(actions.map((a) => a.id));
    for (const list of Object.values(STORY_ACTIONS)) for (const id of list) expect(ids).toContain(id);
  });

  it.each(Object.keys(STORY_ACTIONS))('makes %s eligible for the story actions', async (story) => {
    const eligible = await eligibleActions(engine, stories[story as keyof typeof stories]);
    for (const id of STORY_ACTIONS[story] ?? []) expect(eligible, `${story}: ${id}`).toContain(id);
  });

  it.each(Object.keys(STORY_ACTIONS))(
    'keeps %s out of the other stories’ actions (picked for the right reason)',
    async (story) => {
      const eligible = await eligibleActions(engine, stories[story as keyof typeof stories]);
      const others = Object.entries(STORY_ACTIONS)
        .filter(([name]) => name !== story)
        .flatMap(([, ids]) => ids);
      expect(others.filter((id) => eligible.has(id))).toEqual([]);
    },
  );

  it('sells Julia a pass for the US zone only, and nothing for EU roaming', async () => {
    const eligible = await eligibleActions(engine, stories.julia);
    const passes = actions.filter((a) => a.group === 'Roaming passes' && eligible.has(a.id));
    expect(passes.map((a) => a.attributes?.zone)).toEqual(passes.map(() => 'us-canada'));
    expect(eligible.has('roam-eu-booster-5gb')).toBe(false);
    expect(eligible.has('msg-roam-welcome-world')).toBe(true);
  });

  it('has no dead actions and none that reach everyone, over 2,000 subscribers (and 2,000 roamers)', async () => {
    const counts = new Map(actions.map((a) => [a.id, 0]));
    const count = async (rules: Engine, profiles: Iterable<GeneratedProfile>) => {
      for (const p of profiles) {
        for (const id of await eligibleActions(rules, p)) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    };
    await count(engine, generatePopulation({ seed: 2026, count: 2_000 }));
    const population = { ...Object.fromEntries(counts) };
    // Roaming is 4 % of subscribers at any time, so its zones are checked over 2,000 roamers (Roaming rules only).
    const roamers: GeneratedProfile[] = [];
    for (const p of generatePopulation({ seed: 7, count: 200_000 })) {
      if (p.roamingNow) roamers.push(p);
      if (roamers.length === 2_000) break;
    }
    await count(
      playbookEngine((a) => a.issue === 'Roaming'),
      roamers,
    );

    const dead = actions.filter((a) => counts.get(a.id) === 0).map((a) => a.id);
    expect(dead).toEqual([]);
    const everyone = actions.filter((a) => !BROAD_BY_DESIGN.has(a.id) && (population[a.id] ?? 0) / 2_000 > 0.6);
    expect(everyone.map((a) => `${a.id} ${population[a.id]}`)).toEqual([]);
  }, 60_000); // json-rules-engine takes a few ms per subscriber: seconds here, more on a busy CI box
});

describe('playbook campaigns (campaigns.yaml)', () => {
  it('load, and each selects a plausible share of 5,000 generated subscribers', async () => {
    const config = await loadConfigDir(fileURLToPath(new URL('.', import.meta.url)));
    expect(config.campaigns.map((c) => c.id)).toEqual([
      'fiber-upgrade-autumn',
      'retention-save-sms',
      'handset-renewal',
    ]);
    const decider = createCampaignDecider(config);
    // Monday 23 November 2026, 10:00 in Amsterdam: inside every send window, outside SMS quiet hours.
    const run = { runId: 'playbook', now: Date.parse('2026-11-23T09:00:00Z') };
    const population = [...generatePopulation({ seed: 2026, count: 5_000 })];
    for (const campaign of config.campaigns) {
      expect(campaign.nextRun(run.now), campaign.id).toBeGreaterThan(run.now);
      expect(campaign.sendWindow(run.now), campaign.id).toEqual({ open: true });
      const outcomes: CampaignOutcome[] = [];
      for (const profile of population) outcomes.push(await decider.decide(campaign, run, profile, []));
      const share = (f: (o: CampaignOutcome) => boolean) => outcomes.filter(f).length / population.length;
      const inSegment = share((o) => o.reason !== 'NOT_IN_SEGMENT');
      const contacted = share((o) => o.status === 'selected');
      const control = share((o) => o.status === 'control');
      const summary = `${campaign.id}: segment ${inSegment}, selected ${contacted}, control ${control}`;
      // A segment targets someone: between 5 % and 40 % of the base.
      expect(inSegment, summary).toBeGreaterThan(0.05);
      expect(inSegment, summary).toBeLessThan(0.4);
      // Most of it gets through eligibility and the contact policy (consent is the usual reason not to).
      expect(contacted, summary).toBeGreaterThan(0.03);
      expect(outcomes.filter((o) => o.reason === 'DECISION_ERROR')).toEqual([]);
      // The control group is about its share of those decided with an action.
      const decided = contacted + control;
      expect(Math.abs(control / decided - campaign.controlShare), summary).toBeLessThan(0.04);
      // Only actions in the campaign's scope, on its channel.
      for (const o of outcomes) {
        for (const a of o.actions ?? []) {
          const action = actions.find((x) => x.id === a.actionId)!;
          expect(action.channels).toContain(campaign.spec.channel);
          if (campaign.spec.scope?.groups) expect(campaign.spec.scope.groups).toContain(action.group);
          if (campaign.spec.scope?.issues) expect(campaign.spec.scope.issues).toContain(action.issue);
        }
      }
    }
  }, 60_000);
});
