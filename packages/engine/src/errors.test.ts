// The engine's error catalogue: every code has a meaning (docs/errors.md sync is checked in the server package).
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.js';

describe('error catalogue', () => {
  it('every code has a meaning and codes are SCREAMING_SNAKE_CASE', () => {
    for (const codes of Object.values(errorCatalogue)) {
      for (const [code, meaning] of Object.entries(codes)) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect((meaning as string).length).toBeGreaterThan(10);
      }
    }
  });
});
