// Checks and compiles the campaigns file: ids, limits, schedules, time zones, send windows, caps, control groups, segments.
import { Cron } from 'croner';
import type { ConfigProblem } from '../config/config-problem.js';
import { deepFreeze, pointer } from '../config/validate-file.js';
import type { CapSpec } from '../policy/cap-spec.js';
import { parseClockTime } from '../policy/clock-time.js';
import { parseDuration } from '../policy/duration.js';
import { isValidTimeZone } from '../policy/time-zone.js';
import type { CompiledRule } from '../rules/index.js';
import { campaignDecisionPrefix } from './campaign-ids.js';
import type { CompiledCampaign } from './campaign-types.js';
import type { CampaignSpec, CampaignsFile } from './campaigns-schema.js';
import { type SendWindowRange, type SendWindowState, sendWindowAt } from './send-window.js';

/** The most of the segment a control group may hold out: past half, the campaign would mostly not send. */
export const MAX_CONTROL_PERCENT = 50;

const ALWAYS_OPEN: SendWindowState = Object.freeze({ open: true });

export interface CompileCampaignsContext {
  /** The contact policy's `defaultTimeZone`: the zone of a campaign whose schedule names none. */
  defaultTimeZone: string;
  /** arbitration.yaml `maxLimit`, when that file is usable: a campaign `limit` above it could never decide. */
  maxLimit?: number;
  /** Compiles a segment condition (named conditions and custom operators included); undefined when it is broken. */
  compile?: (condition: unknown, at: string) => CompiledRule | undefined;
}

/**
 * Compiles each campaign of a file that passed its schema (or the given `[index, spec]` entries of one, when some
 * entries did not); problems go into `problems` with the file and the JSON pointer of the field. Channel and scope
 * references are checked by `checkSendTarget` (check-references.ts).
 * @example const campaigns = compileCampaigns(file, 'campaigns.yaml', { defaultTimeZone: 'Europe/Amsterdam' }, problems);
 */
export function compileCampaigns(
  file: CampaignsFile | readonly (readonly [number, CampaignSpec])[],
  source: string,
  ctx: CompileCampaignsContext,
  problems: ConfigProblem[],
): CompiledCampaign[] {
  const entries = 'campaigns' in file ? file.campaigns.map((spec, i) => [i, spec] as const) : file;
  const firstIndex = new Map<string, number>();
  return entries.map(([i, spec]) => {
    const add = (path: (string | number)[], code: string, message: string) =>
      problems.push({ file: source, path: pointer('campaigns', i, ...path), code, message });
    const first = firstIndex.get(spec.id);
    if (first !== undefined) {
      add(['id'], 'CONFIG_DUPLICATE_ID', `duplicate campaign id "${spec.id}" (first at /campaigns/${first})`);
    } else firstIndex.set(spec.id, i);
    if (ctx.maxLimit !== undefined && spec.limit > ctx.maxLimit) {
      add(['limit'], 'CONFIG_INVALID_VALUE', `limit ${spec.limit} is above arbitration maxLimit ${ctx.maxLimit}`);
    }
    const timeZone = campaignTimeZone(spec, ctx.defaultTimeZone, add);
    const cron = compileSchedule(spec, timeZone, add);
    const window = compileSendWindow(spec, add);
    const capSpecs = compileCaps(spec, add);
    const controlShare = compileControlGroup(spec, add);
    const segment =
      spec.segment === undefined ? undefined : ctx.compile?.(spec.segment, pointer('campaigns', i, 'segment'));
    return Object.freeze({
      id: spec.id,
      spec: deepFreeze(spec),
      segment,
      timeZone,
      controlShare,
      capSpecs: Object.freeze(capSpecs),
      nextRun: (after: number) => (cron ? nextAfter(cron, after) : undefined),
      sendWindow: (at: number) => (window ? sendWindowAt(window, timeZone, at) : ALWAYS_OPEN),
    });
  });
}

type Add = (path: (string | number)[], code: string, message: string) => void;

function campaignTimeZone(spec: CampaignSpec, defaultTimeZone: string, add: Add): string {
  const zone = spec.schedule?.timeZone;
  if (zone === undefined) return defaultTimeZone;
  if (isValidTimeZone(zone)) return zone;
  add(['schedule', 'timeZone'], 'CONFIG_INVALID_VALUE', `"${zone}" is not an IANA time zone (e.g. Europe/Amsterdam)`);
  return defaultTimeZone;
}

/** A paused croner job, used only to compute start times: it never sets a timer. */
function compileSchedule(spec: CampaignSpec, timeZone: string, add: Add): Cron | undefined {
  if (!spec.schedule) return undefined;
  try {
    // A bad zone is reported on its own (here or in contact-policy.yaml); the pattern is still checked.
    return new Cron(spec.schedule.cron, { paused: true, timezone: isValidTimeZone(timeZone) ? timeZone : 'UTC' });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    add(['schedule', 'cron'], 'CONFIG_INVALID_VALUE', `cron "${spec.schedule.cron}" does not parse: ${reason}`);
    return undefined;
  }
}

/** The first scheduled start strictly after `after` (croner works in whole seconds). */
function nextAfter(cron: Cron, after: number): number | undefined {
  let from = after;
  for (let tries = 0; tries < 3; tries++) {
    const next = cron.nextRun(new Date(from))?.getTime();
    if (next === undefined) return undefined;
    if (next > after) return next;
    from = next + 1_000;
  }
  return undefined;
}

function compileSendWindow(spec: CampaignSpec, add: Add): SendWindowRange | undefined {
  if (!spec.sendWindow) return undefined;
  const fromMs = parseClockTime(spec.sendWindow.from);
  const toMs = parseClockTime(spec.sendWindow.to);
  for (const [field, ms] of [
    ['from', fromMs],
    ['to', toMs],
  ] as const) {
    if (ms === undefined) {
      const message = `${field} "${spec.sendWindow[field]}" is not a time of day like 09:00 (HH:MM, 24-hour)`;
      add(['sendWindow', field], 'CONFIG_INVALID_VALUE', message);
    }
  }
  if (fromMs === undefined || toMs === undefined) return undefined;
  if (fromMs === toMs) {
    const message = `from and to are both ${spec.sendWindow.from}: an empty window; leave sendWindow out to send at any time`;
    add(['sendWindow'], 'CONFIG_INVALID_VALUE', message);
    return undefined;
  }
  return { fromMs, toMs };
}

/** One limit per cap, counting only this campaign's contacts (records whose decision id starts `cmp:<id>:`). */
function compileCaps(spec: CampaignSpec, add: Add): CapSpec[] {
  const specs: CapSpec[] = [];
  spec.caps?.forEach((cap, n) => {
    const windowMs = parseDuration(cap.window);
    if (windowMs === undefined || windowMs === 0) {
      add(
        ['caps', n, 'window'],
        'CONFIG_INVALID_VALUE',
        `window "${cap.window}" is not a duration like 30d or 12h (at most 100 years)`,
      );
      return;
    }
    specs.push(
      Object.freeze({
        id: `campaign:${spec.id}:cap-${n + 1}`,
        kind: 'cap',
        max: cap.max,
        windowMs,
        per: 'subscriber',
        key: '',
        filter: Object.freeze({ decisionPrefix: campaignDecisionPrefix(spec.id) }),
        outcome: 'impression',
        // A campaign contact counts even when the action sent was mandatory: the campaign did contact them.
        countMandatory: true,
      }),
    );
  });
  return specs;
}

/** `5%` or `5` -> 0.05; 0 when absent. */
function compileControlGroup(spec: CampaignSpec, add: Add): number {
  const { controlGroup } = spec;
  const percent = typeof controlGroup === 'string' ? Number(controlGroup.slice(0, -1)) : controlGroup;
  if (!Number.isFinite(percent) || percent < 0 || percent > MAX_CONTROL_PERCENT) {
    const shown = typeof controlGroup === 'string' ? controlGroup : `${controlGroup}%`;
    const message = `controlGroup ${shown} is outside 0% to ${MAX_CONTROL_PERCENT}%`;
    add(['controlGroup'], 'CONFIG_INVALID_VALUE', message);
    return 0;
  }
  return percent / 100;
}
