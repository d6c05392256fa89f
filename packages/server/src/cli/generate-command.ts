// `arbiter generate`: writes a seeded synthetic population as JSON lines, streaming, with progress on stderr.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { generatePopulation } from '@arbiter/engine';
import { progress } from './progress.js';

export interface GenerateOptions {
  count: number;
  seed: number;
  out: string;
}

/** Writes `count` profiles to `out` ('-' for stdout); returns how many were written. */
export async function generateCommand(options: GenerateOptions): Promise<number> {
  const stream = options.out === '-' ? process.stdout : createWriteStream(options.out);
  const bar = progress('generate', options.count);
  let written = 0;
  for (const profile of generatePopulation({ seed: options.seed, count: options.count })) {
    if (!stream.write(`${JSON.stringify(profile)}\n`)) await once(stream, 'drain');
    written += 1;
    if (written % 10_000 === 0) bar.update(written);
  }
  bar.done(written);
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, 'finish');
  }
  return written;
}
