// The codes a campaign run ends with when it cannot go on, as data, and the error that carries one.

/** Why a run failed or was refused (`RunReport.errorCode`; `startCampaignRun` throws the first two). */
export const campaignRunErrors = {
  CAMPAIGN_NOT_FOUND: 'No campaign with this id in the config (campaigns.yaml).',
  CAMPAIGN_NO_CHANNEL:
    'The campaign sends through its channel (`output: channel`) but no outbound Channel of that name is configured.',
  CAMPAIGN_RULES_CHANGED:
    'The rules changed since the run started: a worker thread loaded another config version than the run, or the run to resume was made under another one. Resume it with the rules it started with, or start a new run.',
  CAMPAIGN_RUN_NOT_FOUND: 'No checkpoint for the run to resume in the runs directory.',
  CAMPAIGN_RESUME_REFUSED:
    'The run cannot be resumed: it belongs to another campaign, it already finished, or it was a dry run (dry runs are never resumed).',
  CAMPAIGN_RUN_LOCKED:
    "Another process is running this run (the run directory's run.lock names it): wait for it to end. A lock left by a process of this host that ended is taken over; one from another host is removed by hand once that process is known to be gone.",
  CAMPAIGN_WORKER_CRASHED:
    'A worker thread crashed on the same chunk twice (it is retried once on a new worker), or workers kept crashing: the run stopped at its last checkpoint and can be resumed.',
  CAMPAIGN_SOURCE_FAILED:
    'Reading the population failed (the profile store or the contact history did not answer): the run stopped at its last checkpoint and can be resumed.',
  CAMPAIGN_OUTPUT_FAILED:
    'The results file or the checkpoint could not be written: the run stopped at its last checkpoint and can be resumed.',
} as const;

export type CampaignRunErrorCode = keyof typeof campaignRunErrors;

/** An error with a code from `campaignRunErrors`. */
export class CampaignRunError extends Error {
  readonly code: CampaignRunErrorCode;

  constructor(code: CampaignRunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CampaignRunError';
    this.code = code;
  }
}
