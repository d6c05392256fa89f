// campaigns.yaml at load: defaults, every problem with its path at once, caps as data, schedules and send windows.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/build-config.js';
import { ConfigError, type ConfigProblem } from '../config/config-problem.js';
import { firstCapReached } from '../policy/cap-spec.js';
import { campaignDecisionId } from './campaign-ids.js';
import { buildCampaignConfig, campaignInput, contact, DAY, HOUR, topupsSms } from './test-campaigns.js';

/** The problems a load of these campaigns reports, as `path CODE`, in report order. */
async function problemsOf(campaigns: unknown[], overrides = {}): Promise<string[]> {
  try {
    await buildConfig(campaignInput(campaigns, overrides));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p: ConfigProblem) => `${p.file}:${p.path} ${p.code}`);
  }
  return [];
}

describe('campaigns.yaml: compiled', () => {
  it('applies the defaults and exposes the campaigns by id, frozen, with their source', async () => {
    const config = await buildCampaignConfig([{ id: 'plain', channel: 'sms' }, topupsSms]);
    expect(config.campaigns.map((c) => c.id)).toEqual(['plain', 'topups-sms']);
    const plain = config.campaignById.get('plain')!;
    expect(plain.spec).toEqual({ id: 'plain', channel: 'sms', limit: 1, controlGroup: 0, output: 'jsonl' });
    expect(plain).toMatchObject({ segment: undefined, timeZone: 'Europe/Amsterdam', controlShare: 0, capSpecs: [] });
    expect(Object.isFrozen(plain.spec)).toBe(true);
    expect(config.sources.campaigns[1]).toBe(config.campaignById.get('topups-sms')!.spec);
    expect(config.files).toContain('campaigns.yaml');
  });

  it('has no campaigns without the file, and keeps the config version it had before campaigns existed', async () => {
    const { campaigns: _, ...input } = campaignInput([]);
    const without = await buildConfig(input);
    expect(without.campaigns).toEqual([]);
    expect(without.campaignById.size).toBe(0);
    expect(without.files).not.toContain('campaigns.yaml');
    const withFile = await buildConfig(campaignInput([topupsSms]));
    expect(withFile.version).not.toBe(without.version);
  });

  it.each([
    ['5%', 0.05],
    ['12.5%', 0.125],
    [10, 0.1],
    ['0%', 0],
    [50, 0.5],
  ])('reads controlGroup %j as a share of %d', async (controlGroup, share) => {
    const config = await buildCampaignConfig([{ id: 'c', channel: 'sms', controlGroup }]);
    expect(config.campaigns[0]!.controlShare).toBe(share);
  });

  it('turns each cap into a limit counting only this campaign’s contacts, mandatory ones included', async () => {
    const config = await buildCampaignConfig([
      {
        ...topupsSms,
        caps: [
          { max: 1, window: '30d' },
          { max: 3, window: '1w' },
        ],
      },
    ]);
    expect(config.campaigns[0]!.capSpecs).toEqual([
      {
        id: 'campaign:topups-sms:cap-1',
        kind: 'cap',
        max: 1,
        windowMs: 30 * DAY,
        per: 'subscriber',
        key: '',
        filter: { decisionPrefix: 'cmp:topups-sms:' },
        outcome: 'impression',
        countMandatory: true,
      },
      expect.objectContaining({ id: 'campaign:topups-sms:cap-2', max: 3, windowMs: 7 * DAY }),
    ]);
  });

  it('counts by decision id prefix: another campaign, even one whose id starts the same, does not count', async () => {
    const config = await buildCampaignConfig([topupsSms]);
    const caps = config.campaigns[0]!.capSpecs;
    const now = 100 * DAY;
    const of = (campaignId: string, at = now - DAY) =>
      contact({ at, decisionId: campaignDecisionId(campaignId, 'r0', 'SUB-T1'), mandatory: true, channel: 'web' });
    expect(firstCapReached([of('topups-sms-2'), of('other'), contact({ at: now - HOUR })], caps, now)).toBeUndefined();
    expect(firstCapReached([of('topups-sms')], caps, now)).toEqual({
      ok: false,
      cap: 'campaign:topups-sms:cap-1',
      count: 1,
      limit: 1,
    });
    // A contact exactly a window old no longer counts.
    expect(firstCapReached([of('topups-sms', now - 30 * DAY)], caps, now)).toBeUndefined();
  });

  it('lets the contact history keep what the campaign caps look back over', async () => {
    const short = await buildCampaignConfig([topupsSms]);
    const long = await buildCampaignConfig([{ ...topupsSms, caps: [{ max: 1, window: '400d' }] }]);
    expect(long.policy.horizonMs).toBe(400 * DAY);
    expect(short.policy.horizonMs).toBeLessThan(400 * DAY);
    // The policy still works as before.
    expect(
      long.policy.capsFor({ actionId: 'topup-5gb', issue: 'Growth', group: 'Top-ups', mandatory: false }, 'sms'),
    ).toHaveLength(2);
  });

  it('compiles the segment with the named conditions of eligibility.yaml', async () => {
    const config = await buildCampaignConfig([{ id: 'c', channel: 'sms', segment: { condition: 'heavyUser' } }]);
    const { segment } = config.campaigns[0]!;
    expect(segment?.test({ dataUsedPct: 90 })).toBe(true);
    expect(segment?.test({ dataUsedPct: 10 })).toBe(false);
  });
});

describe('campaigns.yaml: problems', () => {
  it('reports every problem of every campaign at once, each with its file and JSON pointer', async () => {
    const problems = await problemsOf([
      { id: 'typo', channel: 'sms', sendWindw: { from: '09:00', to: '17:00' } },
      { id: 'bad-cron', channel: 'sms', schedule: { cron: '0 25 * * *' } },
      { id: 'bad-zone', channel: 'sms', schedule: { cron: '0 10 * * 1', timeZone: 'Europe/Atlantis' } },
      { id: 'bad-window', channel: 'sms', sendWindow: { from: '9am', to: '24:00' } },
      {
        id: 'bad-cap',
        channel: 'sms',
        caps: [
          { max: 1, window: '30d' },
          { max: 1, window: 'a month' },
        ],
      },
      { id: 'bad-cron', channel: 'sms' },
      { id: 'big-control', channel: 'sms', controlGroup: '60%' },
      { id: 'inbound', channel: 'web' },
      { id: 'unknown-channel', channel: 'fax' },
      { id: 'bad-scope', channel: 'sms', scope: { groups: ['Top-ups', 'Topups'], issues: ['Churn'] } },
      { id: 'big-limit', channel: 'sms', limit: 9 },
      { id: 'bad-segment', channel: 'sms', segment: { all: [{ condition: 'nope' }] } },
      { id: 'Bad_Id', channel: 'sms', limit: 0, output: 'pdf', volumeLimit: 0 },
      { id: 'empty-window', channel: 'sms', sendWindow: { from: '09:00', to: '09:00' } },
      { id: 'negative-control', channel: 'sms', controlGroup: -1 },
    ]);
    expect(problems).toEqual([
      'campaigns.yaml:/campaigns/0/sendWindw CONFIG_UNKNOWN_FIELD',
      'campaigns.yaml:/campaigns/12/id CONFIG_SCHEMA',
      'campaigns.yaml:/campaigns/12/limit CONFIG_SCHEMA',
      'campaigns.yaml:/campaigns/12/volumeLimit CONFIG_SCHEMA',
      'campaigns.yaml:/campaigns/12/output CONFIG_SCHEMA',
      'campaigns.yaml:/campaigns/7/channel CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/8/channel CONFIG_UNKNOWN_REFERENCE',
      'campaigns.yaml:/campaigns/9/scope/issues/0 CONFIG_UNKNOWN_REFERENCE',
      'campaigns.yaml:/campaigns/9/scope/groups/1 CONFIG_UNKNOWN_REFERENCE',
      'campaigns.yaml:/campaigns/1/schedule/cron CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/2/schedule/timeZone CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/3/sendWindow/from CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/3/sendWindow/to CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/4/caps/1/window CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/5/id CONFIG_DUPLICATE_ID',
      'campaigns.yaml:/campaigns/6/controlGroup CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/10/limit CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/11/segment/all/0/condition RULE_UNKNOWN_CONDITION',
      'campaigns.yaml:/campaigns/13/sendWindow CONFIG_INVALID_VALUE',
      'campaigns.yaml:/campaigns/14/controlGroup CONFIG_INVALID_VALUE',
    ]);
  });

  it('says what is wrong in words an analyst can act on', async () => {
    try {
      await buildCampaignConfig([
        { id: 'a', channel: 'web', schedule: { cron: 'every monday' }, caps: [{ max: 1, window: '30 days' }] },
      ]);
      expect.unreachable();
    } catch (error) {
      const messages = (error as ConfigError).problems.map((p) => p.message);
      expect(messages).toEqual([
        'channel "web" is inbound; a campaign sends on an outbound channel',
        expect.stringMatching(/^cron "every monday" does not parse: .*five or six/),
        'window "30 days" is not a duration like 30d or 12h (at most 100 years)',
      ]);
    }
  });

  it('does not check channel directions or scope names against a broken policy or catalog, but still the rest', async () => {
    const problems = await problemsOf(
      [{ id: 'c', channel: 'fax', scope: { groups: ['Nope'] }, schedule: { cron: 'x' } }],
      { policy: { channels: 'broken' } },
    );
    expect(problems.filter((p) => p.startsWith('campaigns.yaml'))).toEqual([
      'campaigns.yaml:/campaigns/0/scope/groups/0 CONFIG_UNKNOWN_REFERENCE',
      'campaigns.yaml:/campaigns/0/schedule/cron CONFIG_INVALID_VALUE',
    ]);
  });
});

describe('nextRun: croner in the campaign time zone, strictly after', () => {
  const weekly = (timeZone?: string) =>
    buildCampaignConfig([{ id: 'c', channel: 'sms', schedule: { cron: '0 10 * * 1', ...(timeZone && { timeZone }) } }]);

  it('starts Mondays at 10:00 Amsterdam time, before and after the clocks go back (25 October 2026)', async () => {
    const campaign = (await weekly()).campaigns[0]!;
    // Monday 19 October, 07:00 UTC = 09:00 CEST: today at 10:00 CEST.
    expect(campaign.nextRun(Date.parse('2026-10-19T07:00:00Z'))).toBe(Date.parse('2026-10-19T08:00:00Z'));
    // After that start: next Monday, 10:00 CET, an hour later in UTC.
    expect(campaign.nextRun(Date.parse('2026-10-19T08:00:00Z'))).toBe(Date.parse('2026-10-26T09:00:00Z'));
    expect(campaign.nextRun(Date.parse('2026-10-26T08:59:59.999Z'))).toBe(Date.parse('2026-10-26T09:00:00Z'));
  });

  it('uses the schedule time zone when it names one', async () => {
    const campaign = (await weekly('America/New_York')).campaigns[0]!;
    expect(campaign.timeZone).toBe('America/New_York');
    // New York is UTC-4 until 1 November 2026: 10:00 EDT is 14:00 UTC.
    expect(campaign.nextRun(Date.parse('2026-10-19T00:00:00Z'))).toBe(Date.parse('2026-10-19T14:00:00Z'));
  });

  it('walks a daily schedule across the change: 06:00 local stays 06:00 local', async () => {
    const config = await buildCampaignConfig([{ id: 'c', channel: 'sms', schedule: { cron: '0 6 * * *' } }]);
    const campaign = config.campaigns[0]!;
    const runs: number[] = [];
    let at = Date.parse('2026-10-23T12:00:00Z');
    for (let i = 0; i < 4; i++) {
      at = campaign.nextRun(at)!;
      runs.push(at);
    }
    expect(runs.map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-24T04:00:00.000Z',
      '2026-10-25T05:00:00.000Z',
      '2026-10-26T05:00:00.000Z',
      '2026-10-27T05:00:00.000Z',
    ]);
  });

  it('has no next run without a schedule', async () => {
    const config = await buildCampaignConfig([{ id: 'c', channel: 'sms' }]);
    expect(config.campaigns[0]!.nextRun(Date.parse('2026-10-19T00:00:00Z'))).toBeUndefined();
  });
});

describe('sendWindow: local time of day in the campaign time zone', () => {
  const withWindow = async (from: string, to: string) =>
    (await buildCampaignConfig([{ id: 'c', channel: 'sms', sendWindow: { from, to } }])).campaigns[0]!;

  it('is always open without a window', async () => {
    const config = await buildCampaignConfig([{ id: 'c', channel: 'sms' }]);
    expect(config.campaigns[0]!.sendWindow(Date.parse('2026-10-25T01:30:00Z'))).toEqual({ open: true });
  });

  it('09:00-20:00: open inside, closed at 20:00 sharp, and reopens at 09:00 local after the clocks go back', async () => {
    const campaign = await withWindow('09:00', '20:00');
    expect(campaign.sendWindow(Date.parse('2026-10-24T07:00:00Z'))).toEqual({ open: true }); // 09:00 CEST
    expect(campaign.sendWindow(Date.parse('2026-10-24T17:59:59Z'))).toEqual({ open: true }); // 19:59:59 CEST
    // Saturday 20:00 CEST: closed until Sunday 09:00, which is CET (UTC+1) after the change at 03:00.
    const sundayMorning = Date.parse('2026-10-25T08:00:00Z');
    expect(campaign.sendWindow(Date.parse('2026-10-24T18:00:00Z'))).toEqual({ open: false, opensAt: sundayMorning });
    expect(campaign.sendWindow(Date.parse('2026-10-25T01:30:00Z'))).toEqual({ open: false, opensAt: sundayMorning });
    expect(campaign.sendWindow(Date.parse('2026-10-25T07:59:00Z'))).toEqual({ open: false, opensAt: sundayMorning });
    expect(campaign.sendWindow(sundayMorning)).toEqual({ open: true });
  });

  it('22:00-06:00 wraps midnight, across the clocks going back', async () => {
    const campaign = await withWindow('22:00', '06:00');
    expect(campaign.sendWindow(Date.parse('2026-10-24T20:00:00Z'))).toEqual({ open: true }); // 22:00 CEST
    expect(campaign.sendWindow(Date.parse('2026-10-24T23:30:00Z'))).toEqual({ open: true }); // 01:30 CEST
    expect(campaign.sendWindow(Date.parse('2026-10-25T04:59:00Z'))).toEqual({ open: true }); // 05:59 CET
    // 06:00 CET: closed until 22:00 CET the same day.
    expect(campaign.sendWindow(Date.parse('2026-10-25T05:00:00Z'))).toEqual({
      open: false,
      opensAt: Date.parse('2026-10-25T21:00:00Z'),
    });
    expect(campaign.sendWindow(Date.parse('2026-10-24T12:00:00Z'))).toEqual({
      open: false,
      opensAt: Date.parse('2026-10-24T20:00:00Z'),
    });
  });

  it('opens at the jump when the clocks spring over the opening time (02:30 on 29 March 2026)', async () => {
    const campaign = await withWindow('02:30', '05:00');
    // 01:00 CET; at 02:00 CET (01:00 UTC) the clock jumps to 03:00 CEST, inside the window.
    expect(campaign.sendWindow(Date.parse('2026-03-29T00:00:00Z'))).toEqual({
      open: false,
      opensAt: Date.parse('2026-03-29T01:00:00Z'),
    });
    expect(campaign.sendWindow(Date.parse('2026-03-29T01:00:00Z'))).toEqual({ open: true });
    // The day after, 02:30 exists again: 02:30 CEST is 00:30 UTC.
    expect(campaign.sendWindow(Date.parse('2026-03-29T03:00:00Z'))).toEqual({
      open: false,
      opensAt: Date.parse('2026-03-30T00:30:00Z'),
    });
  });
});
