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
  campaignDrop:
    'Campaign drop reasons (`CampaignOutcome.reason` and the run report `byReason`): why a subscriber was not contacted',
};

/** One section of docs/errors.md: a title and its codes with their meanings. */
export interface ErrorSection {
  title: string;
  codes: Readonly<Record<string, string>>;
}

/** The engine's sections, in catalogue order. */
export const engineErrorSections: readonly ErrorSection[] = (
  Object.entries(errorCatalogue) as [keyof typeof errorCatalogue, Record<string, string>][]
).map(([kind, codes]) => ({ title: TITLES[kind], codes }));

/** The whole of docs/errors.md, from the engine's sections and any others (the server's). */
export function renderErrorsDoc(sections: readonly ErrorSection[] = engineErrorSections): string {
  const parts = [
    '# Error and reason codes',
    '',
    'Generated from `packages/engine/src/errors.ts` and `packages/server/src/errors.ts` by `npm run docs:errors`; a test fails when this file and the code disagree.',
  ];
  for (const { title, codes } of sections) {
    parts.push('', `## ${title}`, '', '| code | meaning |', '| --- | --- |');
    for (const [code, meaning] of Object.entries(codes))
      parts.push(`| \`${code}\` | ${meaning.replaceAll('|', '\\|')} |`);
  }
  return `${parts.join('\n')}\n`;
}
