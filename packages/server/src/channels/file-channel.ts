// A channel that appends each message as a JSON line to a file (or a log): for demos, audits and offline delivery.

import { appendFile } from 'node:fs/promises';
import type { Channel, DeliveryResult, OutboundMessage } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';

/** Appends `{...message}` lines to `path`; a write error is a failed delivery. */
export function fileChannel(options: { name: string; path: string }): Channel {
  return {
    name: options.name,
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      try {
        await appendFile(options.path, `${JSON.stringify(message)}\n`);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `file ${options.path}: ${errorMessage(error)}` };
      }
    },
  };
}

/** Writes each message as one line through `log` (stdout by default). */
export function logChannel(options: { name: string; log?: (line: string) => void }): Channel {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    name: options.name,
    async deliver(message) {
      log(JSON.stringify(message));
      return { ok: true };
    },
  };
}
