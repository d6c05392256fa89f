// Writes docs/errors.md from the engine's error catalogue.
import { writeFile } from 'node:fs/promises';
import { renderErrorsDoc } from '../packages/engine/src/errors-doc.js';

await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
console.log('docs/errors.md written');
