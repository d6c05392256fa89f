// The demo subscribers: each has what its story needs, and is otherwise ordinary.
import { describe, expect, it } from 'vitest';
import { storyProfiles } from './story-profiles.js';

const stories = storyProfiles();

describe('storyProfiles', () => {
  it('has the five stories with unique subscribers', () => {
    expect(Object.keys(stories).sort()).toEqual(['frustrated', 'heavyUser', 'household', 'julia', 'renewal']);
    expect(new Set(Object.values(stories).map((p) => p.subscriberId)).size).toBe(5);
  });

  it('julia has just attached to a US network, is in New York time and takes SMS', () => {
    const { julia } = stories;
    expect(julia).toMatchObject({ roamingNow: true, roamingCountry: 'US', timeZone: 'America/New_York' });
    expect(julia.consent).toMatchObject({ marketing: true, sms: true });
  });

  it('household pays for three lines on separate bills', () => {
    expect(stories.household).toMatchObject({ segment: 'family', householdLines: 3, householdSeparateBills: true });
  });

  it('renewal is postpaid, ends the contract in 21 days, on a 34-month-old phone', () => {
    expect(stories.renewal).toMatchObject({ planType: 'postpaid', contractDaysLeft: 21, deviceAgeMonths: 34 });
  });

  it('frustrated called care five times in 90 days', () => {
    expect(stories.frustrated.careContacts90d).toBe(5);
  });

  it('heavyUser has used 82 % of the bundle', () => {
    const { heavyUser } = stories;
    expect(heavyUser.dataUsedPct).toBe(82);
    expect(heavyUser.dataUsedGb).toBeCloseTo((heavyUser.dataBundleGb * 82) / 100);
  });

  it('keeps each story to its one reason: nobody else roams, calls a lot, nears the bundle or ends a contract', () => {
    for (const [name, p] of Object.entries(stories)) {
      if (name !== 'julia') expect(p.roamingNow).toBe(false);
      if (name !== 'frustrated') expect(p.careContacts90d).toBe(0);
      if (name !== 'heavyUser') expect(p.dataUsedPct).toBeLessThan(80);
      if (name !== 'renewal') expect(p.contractDaysLeft ?? 999).toBeGreaterThan(60);
      if (name !== 'household') expect(p.householdSeparateBills).toBe(false);
      expect(p.churnRisk).toBeLessThan(0.5);
    }
  });

  it('returns fresh copies, so a demo can change one without affecting the next', () => {
    storyProfiles().julia.roamingNow = false;
    expect(storyProfiles().julia.roamingNow).toBe(true);
  });
});
