// Benchmark: compiled eligibility rules against json-rules-engine on the same conditions and facts rows.
import { fileURLToPath } from 'node:url';
import { Engine } from 'json-rules-engine';
import { Bench } from 'tinybench';
import { createRuleCompiler } from '../packages/engine/src/rules/index.js';
import type { BenchResult, BenchRow } from './types.js';

export interface RulesBenchInput {
  conditions: unknown[];
  facts: Record<string, unknown>[];
  named?: Record<string, unknown>;
}

export interface RulesBenchOptions {
  /** Time budget per task in ms (default 1,000). */
  timeMs?: number;
}

// Compiled evaluation takes about a microsecond a row: time batches of rows so timer overhead does not dominate.
const BATCH = 64;

/**
 * Measures evaluating every condition over one facts row: compiled tests vs one json-rules-engine Engine holding
 * the same conditions as rules (`engine.run(facts)` per row). Both are built once, outside the timed loop.
 */
export async function benchRules(input: RulesBenchInput, options: RulesBenchOptions = {}): Promise<BenchResult> {
  const { conditions, facts, named = {} } = input;
  if (facts.length === 0) throw new Error('benchRules needs at least one facts row');
  const compiler = createRuleCompiler({ conditions: named });
  const tests = conditions.map((c) => compiler.compileCondition(c));
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, body] of Object.entries(named)) engine.setCondition(name, asRoot(body) as never);
  conditions.forEach((c, i) => {
    engine.addRule({ conditions: asRoot(c) as never, event: { type: `rule-${i}` } });
  });

  // Both sides must agree on what passes, or the comparison measures different work.
  let compiledPasses = 0;
  let enginePasses = 0;
  for (const row of facts) {
    for (const test of tests) if (test(row)) compiledPasses++;
    enginePasses += (await engine.run(row)).results.length;
  }
  if (compiledPasses !== enginePasses) {
    throw new Error(`compiled rules passed ${compiledPasses} times, json-rules-engine ${enginePasses}`);
  }

  let sink = 0;
  let next = 0;
  const bench = new Bench({ name: 'rules', time: options.timeMs ?? 1_000, warmupTime: 250 });
  bench.add('compiled', () => {
    for (let b = 0; b < BATCH; b++) {
      const row = facts[next++ % facts.length]!;
      for (let i = 0; i < tests.length; i++) if (tests[i]!(row)) sink++;
    }
  });
  bench.add('json-rules-engine', async () => {
    sink += (await engine.run(facts[next++ % facts.length]!)).results.length;
  });
  await bench.run();
  if (sink < 0) console.log(sink);

  const stats = (name: string) => {
    const result = bench.getTask(name)?.result;
    if (!result || !('latency' in result)) throw new Error(`bench task ${name} did not complete`);
    return result.latency;
  };
  const compiled = stats('compiled');
  const baseline = stats('json-rules-engine');
  const passRate = `${((100 * compiledPasses) / (facts.length * tests.length)).toFixed(0)}% of evaluations pass`;
  const rows: BenchRow[] = [
    {
      case: `compiled: ${tests.length} conditions x 1 facts row`,
      opsPerSec: (1_000 * BATCH) / compiled.mean,
      note: `mean of batches of ${BATCH} rows; ${passRate}`,
    },
    {
      case: `json-rules-engine: engine.run, ${tests.length} rules x 1 facts row`,
      opsPerSec: 1_000 / baseline.mean,
      p50Us: baseline.p50 * 1_000,
      p99Us: baseline.p99 * 1_000,
    },
  ];
  const [fast, slow] = rows as [BenchRow, BenchRow];
  return {
    name: `rules (${tests.length} conditions, ${facts.length} facts rows)`,
    rows,
    ratios: [{ name: 'compiled vs json-rules-engine', value: fast.opsPerSec / slow.opsPerSec, target: 200 }],
  };
}

// json-rules-engine only takes all/any/not/condition at a root; a leaf means the same as a one-child `all`.
function asRoot(condition: unknown): unknown {
  const root = condition as Record<string, unknown>;
  return ['all', 'any', 'not', 'condition'].some((k) => Object.hasOwn(root, k)) ? root : { all: [root] };
}

// ---- Built-in workload: representative telco eligibility rules over generated subscriber profiles. ----

/** Named conditions the built-in rules share, as a playbook would. */
export const telcoNamedConditions: Record<string, unknown> = {
  marketingConsent: { fact: 'consent', path: '$.marketing', operator: 'equal', value: true },
  postpaid: { fact: 'planType', operator: 'equal', value: 'postpaid' },
  highValue: {
    any: [
      { fact: 'arpu', operator: 'greaterThanInclusive', value: 45 },
      { fact: 'householdLines', operator: 'greaterThan', value: 2 },
    ],
  },
  atRisk: {
    any: [
      { fact: 'churnRisk', operator: 'greaterThan', value: 0.5 },
      {
        all: [
          { fact: 'careContacts90d', operator: 'greaterThanInclusive', value: 3 },
          { fact: 'npsScore', operator: 'lessThanInclusive', value: 6 },
        ],
      },
    ],
  },
  contractEnding: {
    all: [{ condition: 'postpaid' }, { fact: 'contractDaysLeft', operator: 'lessThanInclusive', value: 60 }],
  },
};

/** About 60 eligibility conditions: templates over the profile attributes, with varied thresholds. */
export function telcoConditions(): unknown[] {
  const out: unknown[] = [];
  for (const [i, pct] of [70, 80, 90, 100].entries()) {
    out.push({
      all: [
        { fact: 'dataUsedPct', operator: 'greaterThanInclusive', value: pct },
        { condition: 'marketingConsent' },
        { fact: 'planType', operator: 'in', value: i % 2 ? ['prepaid'] : ['prepaid', 'postpaid'] },
      ],
    });
    out.push({
      all: [
        { fact: 'roamingNow', operator: 'equal', value: true },
        { fact: 'roamingCountry', operator: 'notIn', value: ['NL', 'BE', 'LU'].slice(0, i + 1) },
        { fact: 'consent', path: '$.sms', operator: 'equal', value: true },
      ],
    });
    out.push({
      all: [
        { condition: 'contractEnding' },
        { fact: 'deviceAgeMonths', operator: 'greaterThanInclusive', value: 12 + 6 * i },
        { not: { fact: 'device5g', operator: 'equal', value: true } },
      ],
    });
    out.push({
      all: [
        { condition: 'atRisk' },
        { condition: 'highValue' },
        { fact: 'tenureMonths', operator: 'greaterThan', value: 6 * i },
      ],
    });
    out.push({
      any: [
        { fact: 'segment', operator: 'equal', value: ['youth', 'family', 'senior', 'business'][i] },
        { fact: 'householdLines', operator: 'greaterThanInclusive', value: 3 + i },
      ],
    });
    out.push({
      all: [
        { fact: 'internetService', operator: 'equal', value: 'none' },
        { condition: 'postpaid' },
        { fact: 'householdSeparateBills', operator: 'equal', value: true },
        { fact: 'arpu', operator: 'greaterThan', value: 20 + 10 * i },
      ],
    });
    out.push({
      all: [
        { fact: 'appUser', operator: 'equal', value: false },
        { fact: 'channel', operator: 'in', value: ['web', 'sms', 'email', 'agent'] },
        { fact: 'language', operator: 'equal', value: i % 2 ? 'en' : 'nl' },
      ],
    });
    out.push({
      all: [
        { fact: 'paymentMethod', operator: 'equal', value: 'electronic-check' },
        { fact: 'paperlessBilling', operator: 'equal', value: i % 2 === 0 },
        { fact: 'churnRisk', operator: 'greaterThan', value: 0.2 + 0.1 * i },
      ],
    });
    out.push({
      all: [
        { fact: 'npsScore', operator: 'lessThanInclusive', value: 4 + i },
        { fact: 'careContacts90d', operator: 'greaterThan', value: i },
        { not: { fact: 'segment', operator: 'equal', value: 'business' } },
      ],
    });
    out.push({
      all: [
        {
          fact: 'deviceBrand',
          operator: 'in',
          value: [
            'Apple',
            'Samsung',
            'Google',
            'Xiaomi',
            'Motorola',
            'Nokia',
            'OnePlus',
            'Oppo',
            'Sony',
            'Fairphone',
          ].slice(0, 3 + 2 * i),
        },
        { fact: 'device5g', operator: 'equal', value: false },
        { condition: 'marketingConsent' },
      ],
    });
    out.push({
      all: [
        { fact: 'dataBundleGb', operator: 'lessThan', value: 5 * (i + 1) },
        { fact: 'dataUsedGb', operator: 'greaterThan', value: { fact: 'dataBundleGb' } },
        { fact: 'planType', operator: 'equal', value: 'postpaid' },
      ],
    });
    out.push({
      all: [
        {
          fact: 'context',
          path: '$.event',
          operator: 'equal',
          value: ['roaming-attach', 'bundle-80', 'bill-shock', 'nps-detractor'][i],
        },
        { condition: 'marketingConsent' },
      ],
    });
    out.push({
      all: [
        { fact: 'seniorCitizen', operator: 'equal', value: true },
        { fact: 'contract', operator: 'notEqual', value: 'two-year' },
        { fact: 'tenureMonths', operator: 'greaterThanInclusive', value: 12 * i },
      ],
    });
    out.push({
      any: [
        {
          all: [
            { fact: 'contract', operator: 'equal', value: 'month-to-month' },
            { fact: 'tenureMonths', operator: 'greaterThan', value: 24 },
          ],
        },
        { fact: 'arpu', operator: 'greaterThan', value: 60 + 5 * i },
      ],
    });
    out.push({
      all: [
        { fact: 'consent', path: '$.push', operator: 'equal', value: true },
        { fact: 'appUser', operator: 'equal', value: true },
        { fact: 'contractDaysLeft', operator: 'greaterThan', value: 30 * i },
      ],
    });
  }
  return out;
}

/** Profiles shaped like docs/contracts.md, from a seeded PRNG so every run sees the same rows. */
export function telcoFacts(count: number, seed = 7): Record<string, unknown>[] {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const int = (max: number) => Math.floor(rand() * (max + 1));
  return Array.from({ length: count }, (_, i) => {
    const planType = rand() < 0.6 ? 'postpaid' : 'prepaid';
    const contract = planType === 'prepaid' ? 'none' : pick(['month-to-month', 'one-year', 'two-year']);
    const dataBundleGb = pick([2, 5, 10, 20, 50]);
    const dataUsedPct = int(150);
    const roamingNow = rand() < 0.1;
    return {
      subscriberId: `SUB-${String(i + 1).padStart(8, '0')}`,
      segment: pick(['consumer', 'youth', 'family', 'senior', 'business']),
      planType,
      planId: planType === 'prepaid' ? 'PRE-S' : 'POST-M',
      contract,
      tenureMonths: int(72),
      arpu: Math.round(rand() * 8000) / 100,
      dataBundleGb,
      dataUsedGb: (dataBundleGb * dataUsedPct) / 100,
      dataUsedPct,
      roamingNow,
      roamingCountry: roamingNow ? pick(['BE', 'FR', 'US', 'ES', 'TR']) : null,
      homeCountry: 'NL',
      careContacts90d: int(5),
      contractDaysLeft: contract === 'none' ? null : int(720),
      deviceBrand: pick(['Apple', 'Samsung', 'Google', 'Xiaomi', 'Motorola', 'Nokia']),
      deviceAgeMonths: int(60),
      device5g: rand() < 0.5,
      householdId: `HH-${int(99_999)}`,
      householdLines: 1 + int(5),
      householdSeparateBills: rand() < 0.3,
      churnRisk: rand(),
      npsScore: rand() < 0.3 ? null : int(10),
      paymentMethod: pick(['direct-debit', 'credit-card', 'bank-transfer', 'electronic-check']),
      paperlessBilling: rand() < 0.6,
      seniorCitizen: rand() < 0.15,
      internetService: pick(['fiber', 'dsl', 'none']),
      appUser: rand() < 0.55,
      language: rand() < 0.8 ? 'nl' : 'en',
      timeZone: 'Europe/Amsterdam',
      consent: { marketing: rand() < 0.7, sms: rand() < 0.6, email: rand() < 0.6, push: rand() < 0.5 },
      channel: pick(['app', 'web', 'sms', 'agent']),
      context: { event: pick(['roaming-attach', 'bundle-80', 'bill-shock', 'nps-detractor', undefined]) },
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchRules({
    conditions: telcoConditions(),
    facts: telcoFacts(1_000),
    named: telcoNamedConditions,
  });
  console.log(result.name);
  console.table(
    result.rows.map((r) => ({
      case: r.case,
      'ops/s': Math.round(r.opsPerSec).toLocaleString('en-US'),
      'p50 µs': r.p50Us?.toFixed(1) ?? '',
      'p99 µs': r.p99Us?.toFixed(1) ?? '',
      note: r.note ?? '',
    })),
  );
  for (const r of result.ratios) console.log(`${r.name}: ${r.value.toFixed(0)}x (target ${r.target}x)`);
}
