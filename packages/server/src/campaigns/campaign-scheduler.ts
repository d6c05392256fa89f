// The campaign scheduler: one timer per scheduled campaign, set to its next cron time, re-armed after each run and
// whenever the config changes. Clock and timers are injected so tests run it on a fake clock.
import { errorMessage } from '@arbiter/engine';

/** What the scheduler needs to know of a campaign (a CompiledCampaign fits). */
export interface SchedulableCampaign {
  readonly id: string;
  nextRun(after: number): number | undefined;
}

/** setTimeout and clearTimeout, or a fake pair in tests. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending campaign never keeps the process alive. */
export const nodeTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  /** The campaigns of the running config (read at every arming: a reload is seen). */
  campaigns: () => readonly SchedulableCampaign[];
  /**
   * Starts a scheduled run: `done` resolves when it ends. `refused` says why it could not start (a run of the
   * campaign is already going): the next time is armed at once.
   */
  start: (campaignId: string, at: number) => Promise<ScheduledStart>;
  clock: () => number;
  timers?: Timers;
  /**
   * Asked before each scheduled start: false when another server sharing the stores has started this campaign's
   * run for this time already (or the claim could not be made: then it is skipped too, rather than risk two runs).
   * Without it, every start goes ahead (one server).
   */
  claim?: (campaignId: string, at: number) => Promise<boolean>;
  /** Told what happened (armed, started, skipped), for the log. */
  log?: (event: SchedulerEvent) => void;
}

/** What starting a scheduled run came to. */
export type ScheduledStart = { done: Promise<unknown> } | { refused: string };

export type SchedulerEvent =
  | { kind: 'armed'; campaignId: string; at: number }
  | { kind: 'started'; campaignId: string; at: number }
  | { kind: 'skipped'; campaignId: string; at: number; reason: string };

export interface Scheduler {
  /** Campaign id -> the next start armed (epoch ms); a campaign running now has none until it ends. */
  next(): ReadonlyMap<string, number>;
  /** Clears every timer and arms each scheduled campaign again from the current config (call on a reload). */
  rearm(): void;
  /** Clears every timer; nothing starts after this. */
  stop(): void;
}

/** setTimeout's longest delay (about 24.8 days); a later start is reached in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Arms a timer per scheduled campaign of `campaigns()`.
 * @example
 * const scheduler = startScheduler({ campaigns: () => config.current().campaigns, start, clock: Date.now });
 * config.onChange(() => scheduler.rearm());
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const timers = options.timers ?? nodeTimers;
  const log = options.log ?? (() => {});
  const armed = new Map<string, { at: number; handle: unknown }>();
  const running = new Set<string>();
  let stopped = false;

  const find = (id: string) => options.campaigns().find((c) => c.id === id);

  const arm = (campaign: SchedulableCampaign) => {
    const previous = armed.get(campaign.id);
    if (previous) timers.clearTimeout(previous.handle);
    armed.delete(campaign.id);
    if (stopped || running.has(campaign.id)) return;
    const at = campaign.nextRun(options.clock());
    if (at === undefined) return;
    wait(campaign.id, at);
    log({ kind: 'armed', campaignId: campaign.id, at });
  };

  const wait = (id: string, at: number) => {
    const delay = Math.min(Math.max(0, at - options.clock()), MAX_DELAY);
    armed.set(id, { at, handle: timers.setTimeout(() => fire(id, at), delay) });
  };

  const fire = (id: string, at: number) => {
    armed.delete(id);
    if (stopped) return;
    // Timers may wake early (and a long wait comes in steps): wait out the rest.
    if (options.clock() < at) {
      wait(id, at);
      return;
    }
    if (!find(id)) return;
    if (!options.claim) return begin(id, at);
    options.claim(id, at).then(
      (mine) => (mine ? begin(id, at) : skip(id, at, 'another server started this scheduled run')),
      (error: unknown) => skip(id, at, `the run could not be claimed: ${errorMessage(error)}`),
    );
  };

  const skip = (id: string, at: number, reason: string) => {
    if (stopped) return;
    log({ kind: 'skipped', campaignId: id, at, reason });
    const campaign = find(id);
    if (campaign) arm(campaign);
  };

  const begin = (id: string, at: number) => {
    if (stopped || !find(id)) return;
    // Running from the ask: a reload while the start is answered arms nothing for the campaign.
    running.add(id);
    const after = () => {
      running.delete(id);
      // The config may have changed meanwhile: arm what the campaign is now, if it still exists.
      const campaign = find(id);
      if (campaign) arm(campaign);
    };
    const refused = (reason: string) => {
      running.delete(id);
      skip(id, at, reason);
    };
    options.start(id, at).then(
      (started) => {
        if ('refused' in started) return refused(started.refused);
        log({ kind: 'started', campaignId: id, at });
        started.done.then(after, after);
      },
      (error: unknown) => refused(`the run could not start: ${errorMessage(error)}`),
    );
  };

  const clear = () => {
    for (const { handle } of armed.values()) timers.clearTimeout(handle);
    armed.clear();
  };

  const rearm = () => {
    clear();
    for (const campaign of options.campaigns()) arm(campaign);
  };
  rearm();

  return {
    next: () => new Map([...armed].map(([id, { at }]) => [id, at])),
    rearm,
    stop() {
      stopped = true;
      clear();
    },
  };
}
