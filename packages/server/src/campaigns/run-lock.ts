// One process at a time on a run directory: a lock file made with O_EXCL, naming the process that holds it.
import { readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CampaignRunError } from './campaign-run-errors.js';

export const LOCK_FILE = 'run.lock';

/** What the lock file says. */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** A held lock; `release` removes the file (only if it is still this holder's). */
export interface RunLock {
  release(): Promise<void>;
}

/**
 * Takes the run directory's lock, or throws CAMPAIGN_RUN_LOCKED naming who holds it. A lock left by a process of this
 * host that is no longer running (killed, crashed) is taken over; one from another host is not (this host cannot
 * tell whether that process lives: the message says which file to remove once it is known to be gone).
 * Throws ENOENT when the directory does not exist.
 *
 * @example const lock = await lockRun('runs/fiber-upgrade-autumn/20261122T090000Z-ab12'); try { ... } finally { await lock.release(); }
 */
export async function lockRun(dir: string, now: () => number = Date.now): Promise<RunLock> {
  const file = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, text, { flag: 'wx' });
      return { release: () => releaseIfMine(file, text) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && (holder.host !== mine.host || isRunning(holder.pid))) {
      const where =
        holder.host === mine.host ? `process ${holder.pid}` : `process ${holder.pid} on host ${holder.host}`;
      throw new CampaignRunError(
        'CAMPAIGN_RUN_LOCKED',
        `run in ${dir} is being run by ${where} since ${holder.since}; if that process is gone, remove ${file}`,
      );
    }
    // Left by a process of this host that has ended, or unreadable (a crash while writing it): take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new CampaignRunError('CAMPAIGN_RUN_LOCKED', `run in ${dir}: another process took ${file} at the same moment`);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.since !== 'string') {
      return undefined;
    }
    return parsed as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process of this host with that id runs (signal 0 checks without sending anything). A killed process
 * whose parent has not reaped it yet (a zombie; in a container without an init, it can stay one) has ended.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): the signal said it exists
  }
}

async function releaseIfMine(file: string, text: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) await unlink(file).catch(() => undefined);
}
