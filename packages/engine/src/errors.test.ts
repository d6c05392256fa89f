// Keeps docs/errors.md in step with the error catalogue in code.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.js';
import { renderErrorsDoc } from './errors-doc.js';

describe('error catalogue', () => {
  it('docs/errors.md is what the catalogue renders (run `npm run docs:errors` after changing codes)', async () => {
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });

  it('every code has a meaning and codes are SCREAMING_SNAKE_CASE', () => {
    for (const codes of Object.values(errorCatalogue)) {
      for (const [code, meaning] of Object.entries(codes)) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect((meaning as string).length).toBeGreaterThan(10);
      }
    }
  });
});
