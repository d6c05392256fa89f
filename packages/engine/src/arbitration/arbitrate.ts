// Arbitration: priority = propensity x context weight x value x levers, then group/issue limits and the top N.
import type { ArbitrationFile } from '../config/arbitration-schema.js';
import type { CompiledAction } from '../config/config-snapshot.js';

/** A scored candidate, as arbitration sees it. */
export interface ScoredCandidate {
  action: CompiledAction;
  propensity: number;
  propensitySource: 'model' | 'prior';
}

/** The score terms that explain a priority; their product is the priority. */
export interface ScoreTerms {
  propensity: number;
  propensitySource: 'model' | 'prior';
  contextWeight: number;
  value: number;
  lever: number;
  priority: number;
}

export interface Ranked {
  candidate: ScoredCandidate;
  terms: ScoreTerms;
  /** 1-based rank when selected; otherwise why it was left out. */
  outcome:
    | { selected: true; rank: number }
    | { selected: false; reason: 'GROUP_LIMIT' | 'ISSUE_LIMIT' | 'OUT_RANKED'; detail: string };
}

/** Computes the score terms of one candidate on a channel. */
export function scoreTerms(settings: ArbitrationFile, channel: string, candidate: ScoredCandidate): ScoreTerms {
  const { action, propensity } = candidate;
  const contextWeight = settings.contextWeights[channel]?.[action.issue] ?? 1;
  const value = action.spec.value;
  return {
    propensity,
    propensitySource: candidate.propensitySource,
    contextWeight,
    value,
    lever: action.lever,
    priority: propensity * contextWeight * value * action.lever,
  };
}

/**
 * Ranks candidates and picks the top `limit` within the group and issue limits. Mandatory actions (service,
 * regulatory notices) come first, as obligations rather than options; then priority, then higher value, then
 * action id, so the same candidates always give the same order.
 */
export function arbitrate(
  settings: ArbitrationFile,
  channel: string,
  candidates: readonly ScoredCandidate[],
  limit: number,
): Ranked[] {
  const ranked = candidates.map((candidate) => ({ candidate, terms: scoreTerms(settings, channel, candidate) }));
  ranked.sort(byPriority);
  const perGroup = new Map<string, number>();
  const perIssue = new Map<string, number>();
  const { limits } = settings;
  let selected = 0;
  return ranked.map(({ candidate, terms }): Ranked => {
    const { group, issue } = candidate.action;
    if (selected >= limit) {
      return { candidate, terms, outcome: { selected: false, reason: 'OUT_RANKED', detail: `below the top ${limit}` } };
    }
    const groupLimit = limits.groups[group] ?? limits.perGroup ?? Number.POSITIVE_INFINITY;
    const groupCount = perGroup.get(group) ?? 0;
    if (groupCount >= groupLimit) {
      const detail = `group "${group}" limit ${groupLimit} reached`;
      return { candidate, terms, outcome: { selected: false, reason: 'GROUP_LIMIT', detail } };
    }
    const issueLimit = limits.issues[issue] ?? limits.perIssue ?? Number.POSITIVE_INFINITY;
    const issueCount = perIssue.get(issue) ?? 0;
    if (issueCount >= issueLimit) {
      const detail = `issue "${issue}" limit ${issueLimit} reached`;
      return { candidate, terms, outcome: { selected: false, reason: 'ISSUE_LIMIT', detail } };
    }
    perGroup.set(group, groupCount + 1);
    perIssue.set(issue, issueCount + 1);
    selected += 1;
    return { candidate, terms, outcome: { selected: true, rank: selected } };
  });
}

function byPriority(
  a: { candidate: ScoredCandidate; terms: ScoreTerms },
  b: { candidate: ScoredCandidate; terms: ScoreTerms },
): number {
  return (
    Number(b.candidate.action.mandatory) - Number(a.candidate.action.mandatory) ||
    b.terms.priority - a.terms.priority ||
    b.terms.value - a.terms.value ||
    (a.candidate.action.id < b.candidate.action.id ? -1 : a.candidate.action.id > b.candidate.action.id ? 1 : 0)
  );
}
