// Seeded randomized differential test: compiled rules against json-rules-engine on 10,000 generated cases.
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.js';
import { RuleCompileError } from './rule-errors.js';
import { oracle } from './testing/jre-oracle.js';
import { mulberry32 } from './testing/mulberry32.js';
import { randomCase } from './testing/random-case.js';

const SEED = Number(process.env.RULES_DIFF_SEED ?? 0x5eed);
const CASES = Number(process.env.RULES_DIFF_CASES ?? 10_000);

interface Disagreement {
  seed: number;
  ours: boolean;
  theirs: boolean;
  case: unknown;
}

/** JSON that keeps NaN, Infinity, -0 and undefined visible, so a printed case can be replayed. */
function show(value: unknown): string {
  return JSON.stringify(value, (_, v) => {
    if (v === undefined) return '<undefined>';
    if (typeof v === 'number' && !Number.isFinite(v)) return `<${v}>`;
    if (Object.is(v, -0)) return '<-0>';
    return v;
  });
}

describe('compiled rules agree with json-rules-engine', () => {
  it(`on ${CASES} random cases (seed ${SEED})`, async () => {
    const disagreements: Disagreement[] = [];
    let compared = 0;
    let oracleThrew = 0;
    let invalidLiteral = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = (SEED + i) >>> 0;
      const generated = randomCase(mulberry32(seed));
      const { condition, facts, named } = generated;
      let rule: ReturnType<typeof compileRule>;
      try {
        rule = compileRule(condition, { conditions: named });
      } catch (error) {
        // Only literals json-rules-engine cannot use are refused; anything else is a compiler bug.
        if (!(error instanceof RuleCompileError) || error.problems.some((p) => p.code !== 'RULE_INVALID_VALUE')) {
          throw new Error(`seed ${seed}: unexpected compile error ${String(error)} for ${show(generated)}`);
        }
        invalidLiteral++;
        continue;
      }
      const ours = rule.test(facts);
      const failures = rule.explain(facts);
      if (ours !== (failures.length === 0)) {
        throw new Error(`seed ${seed}: test says ${ours} but explain gives ${show(failures)} for ${show(generated)}`);
      }
      const theirs = await oracle(condition, facts, named);
      if (typeof theirs !== 'boolean') {
        oracleThrew++;
        continue;
      }
      compared++;
      if (ours !== theirs) disagreements.push({ seed, ours, theirs, case: generated });
    }
    for (const d of disagreements.slice(0, 5)) {
      console.error(`seed ${d.seed}: compiled ${d.ours}, json-rules-engine ${d.theirs}\n  ${show(d.case)}`);
    }
    console.info(
      `differential: ${compared} compared, ${oracleThrew} where json-rules-engine threw, ` +
        `${invalidLiteral} refused at compile time, ${disagreements.length} disagreements`,
    );
    expect(disagreements.length).toBe(0);
    // The comparison must cover most cases, or the generator has drifted into json-rules-engine's throws.
    expect(compared).toBeGreaterThan(CASES * 0.8);
  });
});
