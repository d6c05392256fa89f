// Campaign runs on the main thread (`workers: 0`): what is reserved, sent, held out and written for each outcome.
import { join } from 'node:path';
import {
  type ContactRecord,
  campaignDecisionId,
  createEngine,
  InMemoryContactHistory,
  InMemoryDecisionLog,
  type ReserveResult,
} from '@arbiter/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import { readCheckpoint } from '../src/campaigns/checkpoint.js';
import type { CampaignRunDeps, CampaignRunOptions, ResultLine } from '../src/campaigns/run-types.js';
import {
  type CampaignRules,
  campaignRules,
  DAY,
  HOUR,
  memoryDeps,
  NOW,
  readResults,
  recordingChannel,
} from './fixtures/campaign-fixture.js';

const COUNT = 400;
let rules: CampaignRules;
let runsDir: string;

beforeAll(async () => {
  rules = await campaignRules();
  runsDir = join(rules.scratch, 'runs');
});

afterAll(async () => {
  await rules.cleanup();
});

async function run(deps: CampaignRunDeps, options: Omit<CampaignRunOptions, 'runsDir'>) {
  const started = startCampaignRun(deps, { runsDir, workers: 0, chunkSize: 50, ...options });
  const report = await started.done;
  const lines = report.output.startsWith('channel:')
    ? await readResults(join(runsDir, report.campaignId, report.runId, 'results.jsonl'))
    : await readResults(report.output);
  return { report, lines, runId: started.runId };
}

const records = (deps: CampaignRunDeps, subscriberId: string) =>
  deps.history.load(subscriberId) as readonly ContactRecord[];
const sentIds = (lines: ResultLine[]) => lines.filter((l) => l.status === 'sent').map((l) => l.subscriberId);

describe('campaign run: sending', () => {
  it('reserves one contact per sent action, with the run decision id, and writes one line per subscriber in the segment', async () => {
    const deps = memoryDeps(rules, COUNT);
    const { report, lines, runId } = await run(deps, { campaignId: 'email-fiber' });
    expect(report.phase).toBe('done');
    expect(report.counts.scanned).toBe(COUNT);
    expect(lines).toHaveLength(report.counts.inSegment);
    expect(lines.some((l) => l.reason === 'NOT_IN_SEGMENT')).toBe(false);
    expect(new Set(lines.map((l) => l.subscriberId)).size).toBe(lines.length);
    const sent = lines.filter((l) => l.status === 'sent');
    expect(sent.length).toBe(report.counts.sent);
    expect(sent.length).toBeGreaterThan(20);
    for (const line of sent) {
      expect(line.decisionId).toBe(`cmp:email-fiber:${runId}:${line.subscriberId}`);
      const held = records(deps, line.subscriberId);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ at: NOW, decisionId: line.decisionId, channel: 'email', outcome: 'impression' });
      expect(held[0]!.actionId).toBe(line.actions![0]!.actionId);
    }
    const reserved = (deps.history as InMemoryContactHistory).size;
    expect(reserved).toBe(sent.length);
    expect(report.counts.byChannel).toEqual({ email: sent.length });
    expect(Object.values(report.counts.byAction).reduce((a, b) => a + b, 0)).toBe(sent.length);
  });

  it('remembers sent decisions, so a reject reported against a campaign decision id lands in contact history', async () => {
    const decisionLog = new InMemoryDecisionLog();
    const deps = memoryDeps(rules, COUNT, { decisionLog });
    const { lines } = await run(deps, { campaignId: 'email-fiber' });
    const sent = lines.find((l) => l.status === 'sent')!;
    const control = lines.find((l) => l.status === 'control');
    const engine = createEngine({ config: rules.config, history: deps.history, decisionLog, clock: () => NOW + HOUR });
    const actionId = sent.actions![0]!.actionId;
    expect(await engine.recordOutcome({ decisionId: sent.decisionId!, actionId, outcome: 'reject' })).toEqual({
      ok: true,
    });
    expect(records(deps, sent.subscriberId).map((r) => r.outcome)).toEqual(['impression', 'reject']);
    // Only sends are remembered: a held-out subscriber was never contacted, so there is nothing to report against.
    if (control?.decisionId) expect(decisionLog.get(control.decisionId)).toBeUndefined();
  });

  it('honours the volume limit exactly, dropping the rest with VOLUME_LIMIT', async () => {
    const deps = memoryDeps(rules, COUNT);
    const { report, lines } = await run(deps, { campaignId: 'email-volume' });
    expect(report.counts.sent).toBe(25);
    expect(sentIds(lines)).toHaveLength(25);
    expect((deps.history as InMemoryContactHistory).size).toBe(25);
    expect(report.counts.byReason.VOLUME_LIMIT).toBeGreaterThan(100);
    expect(lines.filter((l) => l.reason === 'VOLUME_LIMIT')).toHaveLength(report.counts.byReason.VOLUME_LIMIT!);
  });

  it('decides the control group and writes it, but neither sends to it nor records a contact', async () => {
    const { channel, messages } = recordingChannel('email');
    const deps = memoryDeps(rules, COUNT, { channels: [channel] });
    const { report, lines } = await run(deps, { campaignId: 'email-channel' });
    const control = lines.filter((l) => l.status === 'control');
    expect(control.length).toBe(report.counts.control);
    expect(control.length).toBeGreaterThan(10);
    const messaged = new Set(messages.map((m) => m.subscriberId));
    for (const line of control) {
      expect(line.actions?.length).toBeGreaterThan(0);
      expect(records(deps, line.subscriberId)).toEqual([]);
      expect(messaged.has(line.subscriberId)).toBe(false);
    }
    expect(messaged.size).toBe(report.counts.sent);
  });

  it('a dry run decides and writes its results, but reserves, records and sends nothing, and cannot be resumed', async () => {
    const { channel, messages } = recordingChannel('email');
    const deps = memoryDeps(rules, COUNT, { channels: [channel] });
    const { report, lines, runId } = await run(deps, { campaignId: 'email-channel', dryRun: true });
    expect(report.phase).toBe('done');
    expect(report.dryRun).toBe(true);
    expect(report.counts.sent).toBeGreaterThan(50);
    expect(sentIds(lines)).toHaveLength(report.counts.sent);
    expect((deps.history as InMemoryContactHistory).size).toBe(0);
    expect(messages).toEqual([]);
    expect((await readCheckpoint(join(runsDir, 'email-channel', runId)))?.dryRun).toBe(true);

    const again = await startCampaignRun(deps, { runsDir, workers: 0, campaignId: 'email-channel', resume: runId })
      .done;
    expect(again).toMatchObject({ phase: 'failed', errorCode: 'CAMPAIGN_RESUME_REFUSED' });
    expect(again.error).toContain('dry run');
  });

  it('a per-campaign cap holds across runs, counting only that campaign’s contacts', async () => {
    const deps = memoryDeps(rules, COUNT);
    const first = await run(deps, { campaignId: 'email-capped' });
    const capped = sentIds(first.lines);
    expect(capped.length).toBeGreaterThan(50);

    const later = { ...deps, clock: () => NOW + DAY };
    const second = await run(later, { campaignId: 'email-capped' });
    expect(second.report.counts.sent).toBe(0);
    const byId = new Map(second.lines.map((l) => [l.subscriberId, l]));
    for (const id of capped) {
      expect(byId.get(id)?.reason).toBe('CAMPAIGN_CAP');
      expect(records(deps, id)).toHaveLength(1);
    }

    // Another campaign is not held back by email-capped's own cap (only by the contact policy's).
    const other = await run(later, { campaignId: 'email-all' });
    expect(sentIds(other.lines).filter((id) => capped.includes(id)).length).toBeGreaterThan(capped.length / 2);
  });

  it('shares the contact policy caps with inbound decisions: an SMS today means no campaign SMS', async () => {
    const probe = await run(memoryDeps(rules, COUNT), { campaignId: 'sms-all', dryRun: true });
    // Mandatory notices bypass caps by design: only marketing sends are held back.
    const marketing = probe.lines.filter((l) => l.status === 'sent' && l.actions!.every((a) => !a.mandatory));
    const texted = marketing.map((l) => l.subscriberId).slice(0, 30);
    expect(texted).toHaveLength(30);
    const deps = memoryDeps(rules, COUNT);
    for (const [i, subscriberId] of texted.entries()) {
      await deps.history.record({
        at: NOW - 2 * HOUR,
        subscriberId,
        decisionId: `inbound-${i}`,
        actionId: 'msg-roam-welcome-eu',
        issue: 'Roaming',
        group: 'Roaming messages',
        channel: 'sms',
        outcome: 'impression',
        mandatory: false,
      });
    }
    const { lines } = await run(deps, { campaignId: 'sms-all' });
    const byId = new Map(lines.map((l) => [l.subscriberId, l]));
    for (const id of texted) {
      expect(byId.get(id)).toMatchObject({ status: 'dropped', reason: 'CAP_REACHED' });
      expect(records(deps, id)).toHaveLength(1);
    }
    expect(sentIds(lines).length).toBeGreaterThan(100);
  });

  it('drops with CAP_REACHED_AT_SEND when the cap was spent between the decision and the reservation', async () => {
    const real = new InMemoryContactHistory({ horizonMs: rules.config.policy.horizonMs });
    // The decision reads no history (as if another node's send landed just after the read); the reserve sees it.
    const stale = { load: () => [], record: (r: ContactRecord) => real.record(r), reserve: real.reserve.bind(real) };
    const deps = memoryDeps(rules, COUNT, { history: stale });
    const probe = await run(memoryDeps(rules, COUNT), { campaignId: 'sms-all', dryRun: true });
    const raced = probe.lines
      .filter((l) => l.status === 'sent' && l.actions!.every((a) => !a.mandatory))
      .map((l) => l.subscriberId)
      .slice(0, 10);
    for (const subscriberId of raced) {
      real.record({
        at: NOW - HOUR,
        subscriberId,
        decisionId: 'trigger-1',
        actionId: 'topup-1gb',
        issue: 'Growth',
        group: 'Data top-ups',
        channel: 'sms',
        outcome: 'impression',
        mandatory: false,
      });
    }
    const { report, lines } = await run(deps, { campaignId: 'sms-all' });
    const byId = new Map(lines.map((l) => [l.subscriberId, l]));
    for (const id of raced) {
      expect(byId.get(id)).toMatchObject({ status: 'dropped', reason: 'CAP_REACHED_AT_SEND' });
      expect(byId.get(id)?.detail).toContain('sms-per-day');
      expect(real.load(id)).toHaveLength(1);
    }
    expect(report.counts.byReason.CAP_REACHED_AT_SEND).toBe(raced.length);
  });

  it('sends nothing twice when another process of the run reserved the contact first (ONCE_PER_DECISION)', async () => {
    // A consumer frozen past its entry's claim time wakes to a chunk another process has taken over: it decided
    // before that process's reservations landed (its reads saw none), and now reserves the same contacts.
    const real = new InMemoryContactHistory({ horizonMs: rules.config.policy.horizonMs });
    const stale = { load: () => [], record: (r: ContactRecord) => real.record(r), reserve: real.reserve.bind(real) };
    const deps = memoryDeps(rules, COUNT, { history: stale });
    const runId = '20261123T090000Z-frzn';
    const probe = await run(memoryDeps(rules, COUNT), { campaignId: 'sms-all', dryRun: true });
    const taken = probe.lines.filter((l) => l.status === 'sent').slice(0, 10);
    expect(taken).toHaveLength(10);
    for (const line of taken) {
      for (const action of line.actions!) {
        real.record({
          at: NOW,
          subscriberId: line.subscriberId,
          decisionId: campaignDecisionId('sms-all', runId, line.subscriberId),
          actionId: action.actionId,
          issue: action.issue,
          group: action.group,
          channel: 'sms',
          outcome: 'impression',
          mandatory: action.mandatory,
        });
      }
    }
    const { lines } = await run(deps, { campaignId: 'sms-all', runId });
    const byId = new Map(lines.map((l) => [l.subscriberId, l]));
    for (const line of taken) {
      expect(byId.get(line.subscriberId)).toMatchObject({ status: 'dropped', reason: 'CAP_REACHED_AT_SEND' });
      expect(byId.get(line.subscriberId)?.detail).toContain('ONCE_PER_DECISION');
      expect(real.load(line.subscriberId)).toHaveLength(line.actions!.length);
    }
    expect(sentIds(lines).length).toBeGreaterThan(100);
  });

  it('sends nothing when the contact history fails at the reservation: CONTACT_HISTORY_UNAVAILABLE', async () => {
    const real = new InMemoryContactHistory({ horizonMs: rules.config.policy.horizonMs });
    const broken = new Set<string>();
    const history = {
      load: (id: string) => real.load(id),
      record: (r: ContactRecord) => real.record(r),
      reserve: async (
        r: ContactRecord,
        caps: Parameters<typeof real.reserve>[1],
        now: number,
      ): Promise<ReserveResult> => {
        if (broken.has(r.subscriberId)) throw new Error('redis timeout');
        return real.reserve(r, caps, now);
      },
    };
    const { channel, messages } = recordingChannel('email');
    const probe = await run(memoryDeps(rules, COUNT), { campaignId: 'email-all', dryRun: true });
    for (const id of sentIds(probe.lines).slice(0, 10)) broken.add(id);
    const deps = memoryDeps(rules, COUNT, { history, channels: [channel] });
    const { lines } = await run(deps, { campaignId: 'email-channel' });
    for (const id of broken) {
      const line = lines.find((l) => l.subscriberId === id)!;
      if (line.status === 'control') continue;
      expect(line).toMatchObject({ status: 'dropped', reason: 'CONTACT_HISTORY_UNAVAILABLE' });
      expect(line.detail).toContain('redis timeout');
      expect(messages.some((m) => m.subscriberId === id)).toBe(false);
    }
  });
});

describe('campaign run: a reservation that timed out', () => {
  it('is looked up and, if it did not land, tried again: each contact recorded once, nobody dropped', async () => {
    const real = new InMemoryContactHistory({ horizonMs: rules.config.policy.horizonMs });
    let calls = 0;
    const tried = new Set<string>();
    const history = {
      load: (id: string) => real.load(id),
      record: (r: ContactRecord) => real.record(r),
      // The first try of every third contact times out: half of those after the record landed, half before.
      reserve: async (
        r: ContactRecord,
        caps: Parameters<typeof real.reserve>[1],
        now: number,
      ): Promise<ReserveResult> => {
        if (tried.has(r.decisionId) || ++calls % 3 !== 0) return real.reserve(r, caps, now);
        tried.add(r.decisionId);
        if (calls % 2 === 0) real.reserve(r, caps, now);
        throw new Error('Command timed out');
      },
    };
    const reference = await run(memoryDeps(rules, COUNT), { campaignId: 'email-all' });
    const deps = memoryDeps(rules, COUNT, { history });
    const { report, lines } = await run(deps, { campaignId: 'email-all' });
    expect(report.counts).toEqual(reference.report.counts);
    for (const id of sentIds(lines)) expect(real.load(id)).toHaveLength(1);
    expect(real.size).toBe(report.counts.sent);
    expect(tried.size).toBeGreaterThan(30);
  });
});

describe('campaign run: the channel output', () => {
  it('sends each action with the idempotency key <decisionId>:<actionId> and the campaign id', async () => {
    const { channel, messages } = recordingChannel('email');
    const deps = memoryDeps(rules, COUNT, { channels: [channel] });
    const { report, lines } = await run(deps, { campaignId: 'email-channel' });
    expect(report.output).toBe('channel:email');
    expect(messages).toHaveLength(report.counts.sent);
    for (const message of messages) {
      const line = lines.find((l) => l.subscriberId === message.subscriberId)!;
      expect(line.status).toBe('sent');
      expect(message).toMatchObject({
        idempotencyKey: `${line.decisionId}:${message.actionId}`,
        decisionId: line.decisionId,
        campaignId: 'email-channel',
        channel: 'email',
        at: new Date(NOW).toISOString(),
        treatment: line.actions![0]!.treatment,
      });
    }
  });

  it('a refused delivery is DELIVERY_FAILED and its contact stays recorded (fail closed)', async () => {
    const refused = (id: string) => Number(id.slice(-1)) % 3 === 0;
    const { channel } = recordingChannel('email', (m) => refused(m.subscriberId));
    const deps = memoryDeps(rules, COUNT, { channels: [channel] });
    const { report, lines } = await run(deps, { campaignId: 'email-channel' });
    const failed = lines.filter((l) => l.reason === 'DELIVERY_FAILED');
    expect(failed.length).toBeGreaterThan(10);
    expect(report.counts.byReason.DELIVERY_FAILED).toBe(failed.length);
    for (const line of failed) {
      expect(refused(line.subscriberId)).toBe(true);
      expect(line.detail).toContain('gateway said no');
      expect(records(deps, line.subscriberId)).toHaveLength(1);
    }
    expect(lines.filter((l) => l.status === 'sent').every((l) => !refused(l.subscriberId))).toBe(true);
  });

  it('refuses to start without the campaign, or without its channel', () => {
    const deps = memoryDeps(rules, 10);
    expect(() => startCampaignRun(deps, { campaignId: 'nope', runsDir })).toThrow(
      expect.objectContaining({ code: 'CAMPAIGN_NOT_FOUND' }),
    );
    expect(() => startCampaignRun(deps, { campaignId: 'email-channel', runsDir })).toThrow(
      expect.objectContaining({ code: 'CAMPAIGN_NO_CHANNEL' }),
    );
  });
});
