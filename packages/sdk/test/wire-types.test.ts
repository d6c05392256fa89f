// The SDK re-declares the wire types so it depends on nothing; these checks (run by tsc) fail when they drift from the
// engine's. The server's own answer shapes are checked the same way in packages/server/test/sdk-e2e.test.ts.
import type * as Engine from '@arbiter/engine';
import { describe, expectTypeOf, it } from 'vitest';
import type * as Sdk from '../src/index.js';

describe('wire types match @arbiter/engine', () => {
  it('what the server sends fits what the SDK reads', () => {
    expectTypeOf<Engine.Decision>().toExtend<Sdk.Decision>();
    expectTypeOf<Engine.RankedAction>().toExtend<Sdk.RankedAction>();
    expectTypeOf<Engine.FunnelEntry>().toExtend<Sdk.FunnelEntry>();
    expectTypeOf<Engine.TriggerResult>().toExtend<Sdk.TriggerResult>();
    expectTypeOf<Omit<Engine.ContactRecord, 'at'> & { at: string }>().toExtend<Sdk.ContactEntry>();
    expectTypeOf<Engine.FeatureValue>().toEqualTypeOf<Sdk.FeatureValue>();
  });

  it('what the SDK sends is what the engine accepts', () => {
    expectTypeOf<Sdk.DecisionRequest>().toExtend<Engine.DecisionRequest>();
    expectTypeOf<Sdk.OutcomeRequest>().toExtend<Engine.OutcomeRequest>();
    expectTypeOf<Sdk.SubscriberEvent>().toExtend<Engine.SubscriberEventInput>();
  });

  it('the code unions are the same sets', () => {
    expectTypeOf<Sdk.FunnelReason>().toEqualTypeOf<NonNullable<Engine.FunnelEntry['reason']>>();
    expectTypeOf<Sdk.DegradedReason>().toEqualTypeOf<Engine.Decision['degraded'][number]['reason']>();
    expectTypeOf<Sdk.TriggerStatus>().toEqualTypeOf<Engine.TriggerResult['status']>();
    expectTypeOf<Sdk.Outcome>().toEqualTypeOf<Engine.Outcome>();
    expectTypeOf<Sdk.Treatment>().toEqualTypeOf<Engine.Treatment>();
    expectTypeOf<Sdk.ScoreTerms>().toEqualTypeOf<Engine.ScoreTerms>();
    expectTypeOf<Sdk.CampaignDropReason>().toEqualTypeOf<Engine.CampaignDropReason>();
  });

  it('every engine error code is one the SDK knows', () => {
    type OutcomeCodes = Extract<Engine.OutcomeResult, { ok: false }>['error']['code'];
    type EngineCodes = Engine.DecisionError['code'] | Engine.EventErrorCode | OutcomeCodes;
    expectTypeOf<EngineCodes>().toExtend<Sdk.ServerErrorCode>();
  });
});
