// Where a run's results go: a JSONL or CSV file in the run directory (written a chunk at a time), and the channel.

import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import type { CampaignAction, Channel, OutboundMessage, Treatment } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import type { ResultLine } from './run-types.js';

export type ResultsFormat = 'jsonl' | 'csv';

/** The results file of a run: appended a committed chunk at a time; `offset` is what the checkpoint records. */
export interface ResultsFile {
  readonly path: string;
  readonly format: ResultsFormat;
  /** Bytes written so far. */
  readonly offset: number;
  /** Appends the lines in one write; resolves once the bytes are with the operating system. */
  append(lines: readonly ResultLine[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a run's results file. A new run creates it (a CSV file starts with its header); a resumed run passes the
 * checkpoint's offset, and whatever was written after it (chunks not committed before a crash) is cut off.
 *
 * @example const file = await openResultsFile('runs/fiber/20261122T101500Z-k3x9/results.csv', 'csv');
 */
export async function openResultsFile(path: string, format: ResultsFormat, resumeAt?: number): Promise<ResultsFile> {
  let offset = 0;
  let handle: FileHandle;
  if (resumeAt === undefined) {
    handle = await open(path, 'w');
  } else {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size < resumeAt) throw new Error(`${path} holds ${size} bytes, fewer than the ${resumeAt} its checkpoint saw`);
    await truncate(path, resumeAt).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    handle = await open(path, 'a');
    offset = resumeAt;
  }
  const write = async (text: string) => {
    if (text.length === 0) return;
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    offset += bytes.length;
  };
  if (format === 'csv' && offset === 0) await write(`${CSV_COLUMNS.join(',')}\n`);
  return {
    path,
    format,
    get offset() {
      return offset;
    },
    append: (lines) => write(format === 'csv' ? csvRows(lines) : jsonLines(lines)),
    close: () => handle.close(),
  };
}

export function jsonLines(lines: readonly ResultLine[]): string {
  let text = '';
  for (const line of lines) text += `${JSON.stringify(line)}\n`;
  return text;
}

const TREATMENT_FIELDS = [
  'title',
  'subject',
  'body',
  'text',
  'cta',
  'script',
  'image',
] as const satisfies readonly (keyof Treatment)[];

/** The CSV columns: one row per action (a dropped subscriber gets one row without an action). */
export const CSV_COLUMNS = [
  'runId',
  'campaignId',
  'subscriberId',
  'msisdn',
  'status',
  'reason',
  'detail',
  'decisionId',
  'actionId',
  'issue',
  'group',
  'mandatory',
  ...TREATMENT_FIELDS,
] as const;

/** RFC 4180 rows, `\n`-terminated: fields holding a comma, a quote, a line break or edge spaces are quoted. */
export function csvRows(lines: readonly ResultLine[]): string {
  let text = '';
  for (const line of lines) {
    const head = [
      line.runId,
      line.campaignId,
      line.subscriberId,
      line.msisdn,
      line.status,
      line.reason,
      line.detail,
      line.decisionId,
    ];
    const actions: readonly (CampaignAction | undefined)[] = line.actions?.length ? line.actions : [undefined];
    for (const action of actions) {
      const row: unknown[] = [...head, action?.actionId, action?.issue, action?.group, action?.mandatory];
      for (const field of TREATMENT_FIELDS) row.push(action?.treatment[field]);
      text += `${row.map(csvField).join(',')}\n`;
    }
  }
  return text;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field: empty for a missing value, quoted (inner quotes doubled) when it must be. */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What a channel did with one line's actions: the action ids delivered and the errors of those that were not. */
export interface LineDelivery {
  delivered: CampaignAction[];
  errors: string[];
}

/**
 * Sends every action of `lines` through `channel`, `concurrency` subscribers at a time. Each message carries the
 * idempotency key `<decisionId>:<actionId>`, the same on every resend of the run, so a receiver drops repeats.
 * A delivery that throws counts as failed; nothing here retries (the channel may, inside).
 */
export async function deliverLines(
  channel: Channel,
  lines: readonly ResultLine[],
  context: { campaignId: string; at: string },
  concurrency = 64,
): Promise<LineDelivery[]> {
  const results: LineDelivery[] = new Array(lines.length);
  let next = 0;
  const work = async () => {
    while (next < lines.length) {
      const index = next++;
      results[index] = await deliverLine(channel, lines[index]!, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lines.length) }, work));
  return results;
}

async function deliverLine(
  channel: Channel,
  line: ResultLine,
  context: { campaignId: string; at: string },
): Promise<LineDelivery> {
  const out: LineDelivery = { delivered: [], errors: [] };
  for (const action of line.actions ?? []) {
    const decisionId = line.decisionId ?? '';
    const message: OutboundMessage = {
      idempotencyKey: `${decisionId}:${action.actionId}`,
      subscriberId: line.subscriberId,
      channel: channel.name,
      actionId: action.actionId,
      decisionId,
      campaignId: context.campaignId,
      treatment: action.treatment,
      at: context.at,
    };
    if (line.msisdn !== undefined) message.msisdn = line.msisdn;
    const result = await channel.deliver(message).catch((error: unknown) => ({
      ok: false as const,
      error: errorMessage(error),
    }));
    if (result.ok) out.delivered.push(action);
    else out.errors.push(`${action.actionId}: ${result.error}`);
  }
  return out;
}
