// Generates random conditions and facts that stress json-rules-engine's corners, for the differential test.

export interface RandomCase {
  condition: Record<string, unknown>;
  facts: Record<string, unknown>;
  named: Record<string, unknown>;
}

type Rand = () => number;

const FACTS = ['a', 'b', 'c', 'list', 'obj', 'toString'];
const SCALARS: readonly unknown[] = [
  0,
  1,
  -1,
  2,
  3,
  1.5,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  '0',
  '1',
  '2',
  '1.5',
  ' 3 ',
  '3abc',
  'abc',
  'a',
  'b',
  'NaN',
  'Infinity',
  '1e3',
  'null',
  true,
  false,
  null,
  undefined,
];
const KEYS = ['x', 'y', '0', 'length'];
const PATHS = [
  '$',
  '$.x',
  '$.y',
  '$.x.y',
  '$.y[0]',
  '$[0]',
  '$[1]',
  '$.length',
  '$.x[0].y',
  '$.constructor',
  '$.y[1].x',
];
const OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
];
const DECORATORS = ['someFact', 'everyFact', 'someValue', 'everyValue', 'swap', 'not'];

const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const chance = (rand: Rand, p: number) => rand() < p;

/** A value of mixed type: scalars (numbers, number-like strings, NaN, null, undefined), arrays, objects. */
export function randomValue(rand: Rand, depth = 2): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.6) return pick(rand, SCALARS);
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth - 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (chance(rand, 0.5)) object[key] = randomValue(rand, depth - 1);
  return object;
}

/** One condition (root: all/any/not/reference), its named conditions (acyclic) and facts. */
export function randomCase(rand: Rand): RandomCase {
  const named: Record<string, unknown> = {};
  const names: string[] = [];
  const namedCount = Math.floor(rand() * 3);
  for (let i = 0; i < namedCount; i++) {
    named[`n${i}`] = randomNode(rand, 2, names);
    names.push(`n${i}`);
  }
  let condition: Record<string, unknown>;
  do condition = randomNode(rand, 0, names);
  while (!['all', 'any', 'not', 'condition'].some((k) => Object.hasOwn(condition, k)));
  const facts: Record<string, unknown> = {};
  for (const fact of FACTS) if (chance(rand, fact === 'toString' ? 0.3 : 0.75)) facts[fact] = randomValue(rand);
  return { condition, facts, named };
}

function randomNode(rand: Rand, depth: number, names: readonly string[]): Record<string, unknown> {
  const r = rand();
  if (depth >= 4 || (depth > 0 && r < 0.4)) {
    if (names.length > 0 && chance(rand, 0.1)) return { condition: pick(rand, names) };
    return randomLeaf(rand);
  }
  if (r < 0.75) {
    const kind = chance(rand, 0.5) ? 'all' : 'any';
    const count = Math.floor(rand() * 5);
    return { [kind]: Array.from({ length: count }, () => randomNode(rand, depth + 1, names)) };
  }
  if (r < 0.9) return { not: randomNode(rand, depth + 1, names) };
  return names.length > 0 ? { condition: pick(rand, names) } : { not: randomNode(rand, depth + 1, names) };
}

function randomLeaf(rand: Rand): Record<string, unknown> {
  const decorators: string[] = [];
  if (chance(rand, 0.3)) {
    decorators.push(pick(rand, DECORATORS));
    if (chance(rand, 0.3)) decorators.push(pick(rand, DECORATORS));
  }
  const base = pick(rand, OPERATORS);
  const leaf: Record<string, unknown> = {
    fact: pick(rand, FACTS),
    operator: [...decorators, base].join(':'),
    value: chance(rand, referenceChance(decorators, base)) ? randomReference(rand) : literalFor(rand, decorators, base),
  };
  if (chance(rand, 0.3)) leaf.path = pick(rand, PATHS);
  return leaf;
}

// Values read from facts make json-rules-engine throw where the operator needs an array: keep those rarer.
function referenceChance(decorators: readonly string[], base: string): number {
  const needsArray =
    base === 'in' || base === 'notIn' || decorators.some((d) => d === 'someValue' || d === 'everyValue');
  return needsArray ? 0.05 : 0.25;
}

function randomReference(rand: Rand): Record<string, unknown> {
  const reference: Record<string, unknown> = { fact: pick(rand, FACTS) };
  if (chance(rand, 0.3)) reference.path = pick(rand, PATHS);
  return reference;
}

// A literal the operator chain can use, so few cases are compile errors (json-rules-engine would throw on them).
function literalFor(rand: Rand, decorators: readonly string[], base: string): unknown {
  const [first, ...rest] = decorators;
  if (first === 'someValue' || first === 'everyValue') {
    return Array.from({ length: Math.floor(rand() * 4) }, () => literalFor(rand, rest, base));
  }
  if (first === 'swap') return randomValue(rand);
  if (first !== undefined) return literalFor(rand, rest, base);
  if (base === 'in' || base === 'notIn') {
    if (chance(rand, 0.2)) return pick(rand, ['', 'abc', '1.5', 'null', 'undefined', 'true']);
    // Long lists take the generated code's Set path.
    const length = chance(rand, 0.2) ? 9 + Math.floor(rand() * 6) : Math.floor(rand() * 4);
    return Array.from({ length }, () => randomValue(rand, 1));
  }
  return chance(rand, 0.7) ? pick(rand, SCALARS) : randomValue(rand, 1);
}
