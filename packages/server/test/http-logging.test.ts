// Subscriber phone numbers (MSISDNs) never reach the log whole: in URLs, outbound sends, store warnings or messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskMsisdn } from '../src/http/logging.js';
import { JULIA, NOW, type TestApp, testApp } from './http-fixture.js';

describe('maskMsisdn', () => {
  it('masks the last four digits of E.164 numbers, raw or URL-encoded, and of msisdn fields in any format', () => {
    expect(maskMsisdn('{"msisdn":"+31612345678"}')).toBe('{"msisdn":"+3161234••••"}');
    expect(maskMsisdn('GET /v1/subscribers/%2B31612345678')).toBe('GET /v1/subscribers/%2B3161234••••');
    expect(maskMsisdn('call +14155550123 now')).toBe('call +1415555•••• now');
    expect(maskMsisdn('{"msisdn":"0612345678"}')).toBe('{"msisdn":"061234••••"}');
    expect(maskMsisdn('/v1/x?msisdn=0612345678&a=1')).toBe('/v1/x?msisdn=061234••••&a=1');
  });

  it('leaves times, short numbers and ordinary text alone, and is idempotent', () => {
    for (const text of ['2026-06-10T16:00:00+02:00', '{"n":1e+21}', '+1234', 'SUB-00000042', 'no numbers']) {
      expect(maskMsisdn(text)).toBe(text);
    }
    const once = maskMsisdn('{"msisdn":"+31612345678","note":"+31612345678"}');
    expect(maskMsisdn(once)).toBe(once);
  });
});

describe('the server log', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await testApp({
      app: { logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } },
      // The default channels: each outbound send is written to the server log.
      runtime: { channels: undefined },
    });
  });
  afterAll(() => t.close());

  it('masks MSISDNs in request URLs, outbound sends, errors and the runtime log', async () => {
    await t.call('GET', '/v1/subscribers/+31612345678', undefined, 'agent');
    await t.call('GET', '/v1/subscribers/%2B31612345679', undefined, 'agent');
    const roaming = {
      id: 'evt-log-1',
      type: 'network.roaming-attach',
      subscriberId: JULIA,
      time: NOW,
      data: { country: 'US', timeZone: 'America/New_York' },
    };
    const ingested = await t.call('POST', '/v1/events', roaming, 'channel');
    expect(ingested.json().triggers.some((r: { status: string }) => r.status === 'sent')).toBe(true);
    t.runtime.logger.warn({ msisdn: '0612345670', detail: 'store write for +31612345671 buffered' }, 'redis away');

    const log = lines.join('');
    expect(log).toContain('"msg":"sent on sms"'); // the send is logged...
    expect(log).toContain('+3169000••••'); // ...with Julia's number (+31690000001) masked
    expect(log).toContain('/v1/subscribers/+3161234••••');
    expect(log).toContain('%2B3161234••••');
    expect(log).toContain('"msisdn":"061234••••"');
    for (const whole of ['+31690000001', '+31612345678', '31612345679', '0612345670', '+31612345671']) {
      expect(log).not.toContain(whole);
    }
  });
});
