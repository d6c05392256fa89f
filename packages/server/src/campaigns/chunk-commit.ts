// Committing a chunk's outcomes: the volume limit, the contact reserved against every cap, the send, the counts.

import type {
  CampaignAction,
  CampaignOutcome,
  Channel,
  CompiledCampaign,
  ConfigSnapshot,
  ContactHistory,
  ContactRecord,
  DecisionLog,
  ReserveResult,
} from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import { countDrop, countSent } from './report.js';
import type { ResultLine, RunCounts, VolumeLedger } from './run-types.js';
import { deliverLines } from './sinks.js';

export interface CommitContext {
  config: ConfigSnapshot;
  campaign: CompiledCampaign;
  history: ContactHistory;
  runId: string;
  /** The run's decision time: every record is stamped with it. */
  now: number;
  dryRun: boolean;
  /** Set when the campaign sends through its channel (never in a dry run). */
  channel: Channel | undefined;
  /** The run-wide volume ledger of a shared run (default: counted from this process's counts). */
  volume?: VolumeLedger | undefined;
  /** Where sent decisions are remembered for outcome reporting (never in a dry run). */
  decisionLog?: DecisionLog | undefined;
}

const OK: ReserveResult = Object.freeze({ ok: true });

/** What reserving one subscriber's actions gave. */
interface Reservation {
  reserved: CampaignAction[];
  refusals: string[];
  errors: string[];
}

/**
 * Applies one chunk's outcomes in order and returns its result lines (NOT_IN_SEGMENT drops are counted, not
 * written); `counts` is updated. Reservations of a chunk run concurrently (a Redis store pipelines them) in waves
 * no larger than what is left of the volume limit, so the limit holds exactly whatever the store refuses.
 * Nothing here throws for a store or channel failure: each becomes a subscriber's drop reason.
 */
export async function commitOutcomes(
  ctx: CommitContext,
  outcomes: readonly CampaignOutcome[],
  counts: RunCounts,
): Promise<ResultLine[]> {
  const lines: (ResultLine | undefined)[] = new Array(outcomes.length);
  const selected: number[] = [];
  let alreadySent = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.status === 'dropped' && outcome.reason === 'NOT_IN_SEGMENT') continue;
    if (outcome.status === 'selected') selected.push(i);
    if (outcome.status === 'already-sent') alreadySent++;
    lines[i] = lineOf(ctx, outcome);
  }

  const limit = ctx.campaign.spec.volumeLimit ?? Number.POSITIVE_INFINITY;
  // Contacts of this run so far: sent, and reserved but not delivered. Re-emitted contacts come first (a shared
  // ledger counted them when they were first claimed).
  const ledger = ctx.volume ?? localLedger(counts.sent + (counts.byReason.DELIVERY_FAILED ?? 0) + alreadySent);
  let next = 0;
  while (next < selected.length) {
    const granted =
      limit === Number.POSITIVE_INFINITY ? selected.length - next : await ledger.claim(selected.length - next, limit);
    if (granted <= 0) {
      for (const i of selected.slice(next))
        drop(lines[i]!, 'VOLUME_LIMIT', `the run's volume limit of ${limit} is reached`);
      break;
    }
    const wave = selected.slice(next, next + granted);
    next += wave.length;
    let used = 0;
    // A dry run reserves nothing: every selected subscriber within the limit counts as sent.
    const settled: (Reservation | undefined)[] = ctx.dryRun
      ? []
      : await reserveAll(
          ctx,
          wave.map((i) => outcomes[i]!),
        );
    for (let w = 0; w < wave.length; w++) {
      const reservation = settled[w];
      const line = lines[wave[w]!]!;
      if (reservation === undefined || reservation.reserved.length === line.actions?.length) {
        used++;
        continue;
      }
      const problems = [...reservation.errors, ...reservation.refusals].join('; ');
      if (reservation.reserved.length > 0) {
        used++;
        line.actions = reservation.reserved;
        line.detail = `not sent: ${problems}`;
      } else if (reservation.errors.length > 0) drop(line, 'CONTACT_HISTORY_UNAVAILABLE', problems);
      else drop(line, 'CAP_REACHED_AT_SEND', problems);
    }
    // Refused contacts give their volume back for the next wave (or another process).
    if (used < wave.length && limit !== Number.POSITIVE_INFINITY) await ledger.release(wave.length - used);
  }

  if (ctx.channel) await deliver(ctx, lines);
  if (ctx.decisionLog && !ctx.dryRun) remember(ctx, ctx.decisionLog, lines);

  const written: ResultLine[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const line = lines[i];
    if (line === undefined) {
      countDrop(counts, 'NOT_IN_SEGMENT');
      continue;
    }
    counts.inSegment++;
    if (line.status === 'sent') countSent(counts, actionIds(line), ctx.campaign.spec.channel);
    else if (line.status === 'control') counts.control++;
    else countDrop(counts, line.reason ?? 'DECISION_ERROR');
    written.push(line);
  }
  return written;
}

function lineOf(ctx: CommitContext, outcome: CampaignOutcome): ResultLine {
  const status = outcome.status === 'selected' || outcome.status === 'already-sent' ? 'sent' : outcome.status;
  const line: ResultLine = {
    runId: ctx.runId,
    campaignId: ctx.campaign.id,
    subscriberId: outcome.subscriberId,
    status,
  };
  if (outcome.reason !== undefined) line.reason = outcome.reason;
  if (outcome.detail !== undefined) line.detail = outcome.detail;
  if (outcome.decisionId !== undefined) line.decisionId = outcome.decisionId;
  if (outcome.msisdn !== undefined) line.msisdn = outcome.msisdn;
  if (outcome.actions !== undefined) line.actions = outcome.actions;
  return line;
}

function drop(line: ResultLine, reason: NonNullable<ResultLine['reason']>, detail: string): void {
  line.status = 'dropped';
  line.reason = reason;
  line.detail = detail;
}

function actionIds(line: ResultLine): string[] {
  return (line.actions ?? []).map((a) => a.actionId);
}

/** Reservations in flight at once: enough to keep Redis busy, few enough that none waits long behind the others. */
const RESERVE_CONCURRENCY = 64;

/** Reserves every outcome's actions, `RESERVE_CONCURRENCY` subscribers at a time; no await for a synchronous store. */
async function reserveAll(ctx: CommitContext, outcomes: readonly CampaignOutcome[]): Promise<Reservation[]> {
  const out: Reservation[] = new Array(outcomes.length);
  for (let start = 0; start < outcomes.length; start += RESERVE_CONCURRENCY) {
    const end = Math.min(outcomes.length, start + RESERVE_CONCURRENCY);
    let pending: Promise<void>[] | undefined;
    for (let i = start; i < end; i++) {
      const reservation = reserveActions(ctx, outcomes[i]!);
      if (reservation instanceof Promise) {
        pending ??= [];
        pending.push(
          reservation.then((r) => {
            out[i] = r;
          }),
        );
      } else out[i] = reservation;
    }
    if (pending) await Promise.all(pending);
  }
  return out;
}

/**
 * Reserves each action of a subscriber in turn (a second action's caps see the first one's record), against the
 * contact policy's limits for the channel plus the campaign's own caps, in one atomic step per action where the
 * store has `reserve` (else the contact is just recorded). No await when the store answers synchronously.
 */
function reserveActions(ctx: CommitContext, outcome: CampaignOutcome): Reservation | Promise<Reservation> {
  const actions = outcome.actions ?? [];
  const out: Reservation = { reserved: [], refusals: [], errors: [] };
  const settle = (action: CampaignAction, result: ReserveResult) => {
    if (result.ok) out.reserved.push(action);
    else out.refusals.push(`${action.actionId}: cap ${result.cap} at ${result.count} of ${result.limit}`);
  };
  const fail = (action: CampaignAction, error: unknown) => {
    out.errors.push(`${action.actionId}: contact history unavailable (${errorMessage(error)})`);
  };
  const from = (start: number): Reservation | Promise<Reservation> => {
    for (let i = start; i < actions.length; i++) {
      const action = actions[i]!;
      let result: ReserveResult | Promise<ReserveResult>;
      try {
        result = reserveAction(ctx, outcome, action);
      } catch (error) {
        fail(action, error);
        continue;
      }
      if (result instanceof Promise) {
        return result.then(
          (value) => {
            settle(action, value);
            return from(i + 1);
          },
          (error: unknown) => {
            fail(action, error);
            return from(i + 1);
          },
        );
      }
      settle(action, result);
    }
    return out;
  };
  return from(0);
}

function reserveAction(
  ctx: CommitContext,
  outcome: CampaignOutcome,
  action: CampaignAction,
): ReserveResult | Promise<ReserveResult> {
  const channel = ctx.campaign.spec.channel;
  const record: ContactRecord = {
    at: ctx.now,
    subscriberId: outcome.subscriberId,
    decisionId: outcome.decisionId ?? `cmp:${ctx.campaign.id}:${ctx.runId}:${outcome.subscriberId}`,
    actionId: action.actionId,
    issue: action.issue,
    group: action.group,
    channel,
    outcome: 'impression',
    mandatory: action.mandatory,
  };
  const { history } = ctx;
  if (!history.reserve) {
    const written = history.record(record);
    return written instanceof Promise ? written.then(() => OK) : OK;
  }
  const caps = [...ctx.config.policy.capsFor(record, channel), ...ctx.campaign.capSpecs];
  const reserved = history.reserve(record, caps, ctx.now);
  return reserved instanceof Promise
    ? reserved.catch((error: unknown) => reserveAgain(history, record, caps, ctx.now, error))
    : reserved;
}

/**
 * A reservation that failed (a timed-out Redis call) may still have been applied. This run is the only writer of
 * its decision id, so the history says which: a record of this decision and action means it was reserved;
 * otherwise it is tried again, once. Anything still failing fails closed (nothing is sent).
 */
async function reserveAgain(
  history: ContactHistory,
  record: ContactRecord,
  caps: Parameters<NonNullable<ContactHistory['reserve']>>[1],
  now: number,
  first: unknown,
): Promise<ReserveResult> {
  let held: readonly ContactRecord[];
  try {
    held = await history.load(record.subscriberId);
  } catch {
    throw first;
  }
  if (held.some((r) => r.decisionId === record.decisionId && r.actionId === record.actionId)) return OK;
  return history.reserve!(record, caps, now);
}

/** Sends the chunk's sent lines through the channel; a failed delivery drops the line (the contact stays recorded). */
async function deliver(ctx: CommitContext, lines: (ResultLine | undefined)[]): Promise<void> {
  const sending = lines.filter((line): line is ResultLine => line?.status === 'sent');
  if (sending.length === 0 || !ctx.channel) return;
  const at = new Date(ctx.now).toISOString();
  const results = await deliverLines(ctx.channel, sending, { campaignId: ctx.campaign.id, at });
  for (let i = 0; i < sending.length; i++) {
    const line = sending[i]!;
    const { delivered, errors } = results[i]!;
    if (errors.length === 0) continue;
    const detail = `delivery failed (the contact stays recorded): ${errors.join('; ')}`;
    if (delivered.length === 0) drop(line, 'DELIVERY_FAILED', detail);
    else {
      line.actions = delivered;
      line.detail = line.detail ? `${line.detail}; ${detail}` : detail;
    }
  }
}

/**
 * Remembers each sent decision in the decision log, so a click or a reject reported later against its id lands in
 * contact history (suppression after rejects then holds for campaign sends too). Not awaited: a log that fails is
 * reported by the log, and the contact itself is already recorded.
 */
function remember(ctx: CommitContext, log: DecisionLog, lines: readonly (ResultLine | undefined)[]): void {
  for (const line of lines) {
    if (line?.status !== 'sent' || line.decisionId === undefined || !line.actions?.length) continue;
    const actions = new Map(
      line.actions.map((a) => [a.actionId, { issue: a.issue, group: a.group, mandatory: a.mandatory }]),
    );
    const stored = log.remember(line.decisionId, {
      subscriberId: line.subscriberId,
      channel: ctx.campaign.spec.channel,
      at: ctx.now,
      actions,
    });
    if (stored instanceof Promise) stored.catch(() => undefined);
  }
}

/** The volume limit counted in this process: `used` contacts so far. */
function localLedger(used: number): VolumeLedger {
  let taken = used;
  return {
    async claim(want, limit) {
      const granted = Math.max(0, Math.min(want, limit - taken));
      taken += granted;
      return granted;
    },
    async release(count) {
      taken -= count;
    },
  };
}
