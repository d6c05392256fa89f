// Writes docs/errors.md from the engine's and the server's error catalogues.
import { writeFile } from 'node:fs/promises';
import { renderErrorsDoc } from '../packages/engine/src/errors-doc.js';
import { allErrorSections } from '../packages/server/src/errors.js';

await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc(allErrorSections));
console.log('docs/errors.md written');
