// Renders the error catalogue as docs/errors.md, so the docs are generated from the codes, never typed twice.
import { errorCatalogue } from './errors.js';

const TITLES: Record<keyof typeof errorCatalogue, string> = {
  config: 'Config problems (`ConfigError.problems`, `arbiter validate`)',
  rule: 'Rule problems (reported as config problems, path inside the condition)',
  model: 'Model problems (reported as config problems on models.yaml)',
  policy: 'Contact policy problems (reported as config problems on contact-policy.yaml)',
  feature: 'Feature problems (reported as config problems on features.yaml)',
  event: 'Event errors (`ingest()` returns `{ ok: false, error: { code, message, field } }`)',
  featureSkip: 'Feature skips (`ingest()` result `skipped[].reason`): a feature that could not take an event',
  decision: 'Decision errors (`decide()` returns `{ ok: false, error: { code, message, field } }`)',
  outcome: 'Outcome errors (`recordOutcome()` returns `{ ok: false, error }`)',
  funnel: 'Funnel reasons (`decision.funnel[].reason`, with `explain: true`)',
  degraded: 'Degraded decisions (`decision.degraded[].reason`): a documented fallback was taken',
};

/** The whole of docs/errors.md. */
export function renderErrorsDoc(): string {
  const parts = [
    '# Error and reason codes',
    '',
    'Generated from `packages/engine/src/errors.ts` by `npm run docs:errors`; a test fails when this file and the code disagree.',
  ];
  for (const [kind, codes] of Object.entries(errorCatalogue) as [
    keyof typeof errorCatalogue,
    Record<string, string>,
  ][]) {
    parts.push('', `## ${TITLES[kind]}`, '', '| code | meaning |', '| --- | --- |');
    for (const [code, meaning] of Object.entries(codes))
      parts.push(`| \`${code}\` | ${meaning.replaceAll('|', '\\|')} |`);
  }
  return `${parts.join('\n')}\n`;
}
