// A campaign segment (a json-rules-engine condition) in one readable line, for `campaign list` and GET /v1/campaigns.

const SYMBOLS: Readonly<Record<string, string>> = {
  equal: '=',
  notEqual: '!=',
  lessThan: '<',
  lessThanInclusive: '<=',
  greaterThan: '>',
  greaterThanInclusive: '>=',
  in: 'in',
  notIn: 'not in',
};

/**
 * `everyone` without a segment; otherwise the condition with operators as symbols, `and`/`or` between terms.
 * @example segmentSummary({ all: [{ fact: 'tenureMonths', operator: 'greaterThanInclusive', value: 12 }] })
 * // 'tenureMonths >= 12'
 */
export function segmentSummary(segment: unknown): string {
  if (segment === undefined || segment === null) return 'everyone';
  return term(segment, true);
}

function term(node: unknown, top: boolean): string {
  if (typeof node !== 'object' || node === null) return JSON.stringify(node) ?? String(node);
  const c = node as Record<string, unknown>;
  if (Array.isArray(c.all)) return group(c.all, 'and', top);
  if (Array.isArray(c.any)) return group(c.any, 'or', top);
  if (c.not !== undefined) return `not (${term(c.not, true)})`;
  if (typeof c.condition === 'string') return `@${c.condition}`;
  if (typeof c.fact === 'string') {
    const fact = typeof c.path === 'string' ? `${c.fact}${c.path.replace(/^\$/, '')}` : c.fact;
    const operator = typeof c.operator === 'string' ? (SYMBOLS[c.operator] ?? c.operator) : '?';
    return `${fact} ${operator} ${value(c.value)}`;
  }
  return JSON.stringify(node);
}

function group(terms: unknown[], joiner: string, top: boolean): string {
  if (terms.length === 0) return joiner === 'and' ? 'everyone' : 'no one';
  const text = terms.map((t) => term(t, false)).join(` ${joiner} `);
  return top || terms.length === 1 ? text : `(${text})`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string') {
    return (v as { fact: string }).fact;
  }
  return JSON.stringify(v);
}
