// Waiting for a campaign's send window: a run commits (reserves, sends) only while it is open.
import type { CompiledCampaign } from '@arbiter/engine';

/** The longest single timer (setTimeout's limit); a longer wait sleeps again. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

export interface WindowWait {
  campaign: CompiledCampaign;
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A cancel: stops the wait. */
  signal: AbortSignal;
  /** Told when the wait starts (and when the opening time it waits for changes). */
  closed(opensAt: number): Promise<void>;
  /** Told when the window opened after a wait. */
  opened(): void;
}

/** Resolves true once the window is open (at once when it is), false when `signal` aborted first. */
export async function waitForSendWindow(wait: WindowWait): Promise<boolean> {
  let waitingFor: number | undefined;
  for (;;) {
    if (wait.signal.aborted) return false;
    const window = wait.campaign.sendWindow(wait.clock());
    if (window.open) {
      if (waitingFor !== undefined) wait.opened();
      return true;
    }
    if (waitingFor !== window.opensAt) {
      waitingFor = window.opensAt;
      await wait.closed(window.opensAt);
    }
    await wait.sleep(Math.min(Math.max(1, window.opensAt - wait.clock()), MAX_SLEEP_MS), wait.signal);
  }
}

/** setTimeout that an abort cuts short. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
