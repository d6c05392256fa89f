// Reading a run's source ahead of its commits: chunks are read and handed to the deciders while earlier chunks commit.

import type { CampaignOutcome } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import { CampaignRunError } from './campaign-run-errors.js';
import type { WorkChunk, WorkSource } from './run-types.js';
import { chunkSize } from './worker-protocol.js';

/** A chunk read and sent to be decided; its outcomes arrive in any order, and are taken in the source's order. */
export interface Pending {
  chunk: WorkChunk;
  outcomes: Promise<CampaignOutcome[]>;
}

/**
 * Keeps up to `depth` chunks read and in decision ahead of the committer. Reading (Redis round trips) thus overlaps
 * committing (reservations, writes) instead of taking turns with it. A read that fails ends the reading; the chunks
 * read before it are still handed out, then `next` throws CAMPAIGN_SOURCE_FAILED.
 */
export class ReadAhead {
  readonly #source: WorkSource;
  readonly #decide: (chunk: WorkChunk) => Promise<CampaignOutcome[]>;
  readonly #depth: number;
  readonly #queue: Pending[] = [];
  readonly #reading: Promise<void>;
  #stopped = false;
  #exhausted = false;
  #failure: CampaignRunError | undefined;
  #wakeReader: (() => void) | undefined;
  #wakeTaker: (() => void) | undefined;

  constructor(source: WorkSource, decide: (chunk: WorkChunk) => Promise<CampaignOutcome[]>, depth: number) {
    this.#source = source;
    this.#decide = decide;
    this.#depth = Math.max(1, depth);
    this.#reading = this.#read();
  }

  /** True once the source said it has nothing more. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** The next chunk in source order; undefined once the source is exhausted or reading was stopped. */
  async next(): Promise<Pending | undefined> {
    while (this.#queue.length === 0 && !this.#done()) {
      await new Promise<void>((resolve) => {
        this.#wakeTaker = resolve;
      });
    }
    const head = this.#queue.shift();
    this.#wake('reader');
    if (!head && this.#failure) throw this.#failure;
    return head;
  }

  /** Reads no further (a chunk being read is still handed out); resolves when the reader has stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake('reader');
    await this.#reading;
  }

  #done(): boolean {
    return this.#stopped || this.#exhausted || this.#failure !== undefined;
  }

  #wake(who: 'reader' | 'taker'): void {
    const wake = who === 'reader' ? this.#wakeReader : this.#wakeTaker;
    if (who === 'reader') this.#wakeReader = undefined;
    else this.#wakeTaker = undefined;
    wake?.();
  }

  async #read(): Promise<void> {
    while (!this.#done()) {
      if (this.#queue.length >= this.#depth) {
        await new Promise<void>((resolve) => {
          this.#wakeReader = resolve;
        });
        continue;
      }
      let chunk: WorkChunk | undefined;
      try {
        chunk = await this.#source.next();
      } catch (error) {
        this.#failure = new CampaignRunError(
          'CAMPAIGN_SOURCE_FAILED',
          `reading the population failed: ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
        break;
      }
      if (!chunk) {
        this.#exhausted = true;
        break;
      }
      const outcomes = chunkSize(chunk) > 0 ? this.#decide(chunk) : Promise.resolve([]);
      outcomes.catch(() => {}); // taken, in order, by the committer
      this.#queue.push({ chunk, outcomes });
      this.#wake('taker');
    }
    this.#wake('taker');
  }
}
