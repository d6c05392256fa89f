// Keeps docs/errors.md in step with the engine's and the server's catalogues.
import { readFile } from 'node:fs/promises';
import { renderErrorsDoc } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { allErrorSections, serverErrorSections } from './errors.js';

describe('error catalogue', () => {
  it('docs/errors.md is what the catalogues render (run `npm run docs:errors` after changing codes)', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc(allErrorSections));
  });

  it('every server code has a meaning and is SCREAMING_SNAKE_CASE', () => {
    for (const { codes } of serverErrorSections) {
      for (const [code, meaning] of Object.entries(codes)) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(meaning.length).toBeGreaterThan(10);
      }
    }
  });
});
