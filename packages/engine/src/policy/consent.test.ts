import { describe, expect, it } from 'vitest';
import { begin, candidate, contact, demoPolicy, HOUR, NOW } from './test-fixtures.js';

const profile = (consent: unknown) => ({ timeZone: 'Europe/Amsterdam', consent });

describe('channel consent (opt-in)', () => {
  it('blocks a channel the subscriber has not consented to, mandatory actions included', () => {
    const evaluation = begin('sms', [], { profile: profile({ marketing: true, sms: false, email: true }) });
    const expected = {
      reason: 'OPTED_OUT',
      detail: 'channel sms needs consent "sms", which the subscriber has not given',
    };
    expect(evaluation.check(candidate())).toEqual(expected);
    expect(evaluation.check(candidate({ mandatory: true }))).toEqual(expected);
  });

  it.each([
    ['no consent object', undefined],
    ['null consent', null],
    ['a missing key', { marketing: true }],
    ['a truthy non-boolean', { marketing: true, sms: 'yes' }],
  ])('treats %s as not consented', (_label, consent) => {
    expect(begin('sms', [], { profile: profile(consent) }).check(candidate())?.reason).toBe('OPTED_OUT');
  });

  it('needs no consent on channels without a consent key', () => {
    expect(begin('web', [], { profile: {} }).check(candidate())).toBeUndefined();
  });

  it('wins over quiet hours and caps', () => {
    const lateEvening = Date.UTC(2025, 2, 12, 22);
    const history = [contact({ actionId: 'other', at: lateEvening - HOUR })];
    const evaluation = begin('sms', history, { now: lateEvening, profile: profile({}) });
    expect(evaluation.check(candidate())?.reason).toBe('OPTED_OUT');
  });
});

describe('marketing consent', () => {
  const noMarketing = profile({ marketing: false, sms: true, email: true, push: true });

  it('blocks non-mandatory actions on marketing channels', () => {
    expect(begin('email', [], { profile: noMarketing }).check(candidate())).toEqual({
      reason: 'NO_MARKETING_CONSENT',
      detail: 'channel email needs marketing consent "marketing" for non-mandatory actions',
    });
  });

  it('lets mandatory actions through', () => {
    expect(begin('email', [], { profile: noMarketing }).check(candidate({ mandatory: true }))).toBeUndefined();
  });

  it('does not apply to channels outside its list', () => {
    expect(begin('app', [], { profile: noMarketing }).check(candidate())).toBeUndefined();
  });

  it('is not required when the policy has no marketingConsent section', () => {
    const policy = demoPolicy({ marketingConsent: undefined });
    expect(begin('email', [], { policy, profile: noMarketing }).check(candidate())).toBeUndefined();
  });
});

describe('unknown channels', () => {
  it('blocks everything on a channel the policy does not define', () => {
    const evaluation = begin('fax', []);
    const expected = { reason: 'UNKNOWN_CHANNEL', detail: 'channel "fax" is not defined in the contact policy' };
    expect(evaluation.channel).toBe('fax');
    expect(evaluation.check(candidate())).toEqual(expected);
    expect(evaluation.check(candidate({ mandatory: true }))).toEqual(expected);
  });

  it('knows the channels it defines', () => {
    const policy = demoPolicy();
    expect([...policy.channels.keys()]).toEqual(['web', 'app', 'agent', 'sms', 'email', 'push']);
    expect(policy.channels.get('sms')?.direction).toBe('outbound');
    expect(begin('agent', [], { policy, now: NOW }).check(candidate())).toBeUndefined();
  });
});
