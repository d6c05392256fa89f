// The worker thread of a campaign run: builds the config from the rules directory, checks its version, then decides
// the chunks the coordinator sends, one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { type CampaignOutcome, createCampaignDecider, errorMessage } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import {
  type ChunkPayload,
  decidePayload,
  type FromWorker,
  pack,
  type ToWorker,
  unpack,
  type WorkerInit,
} from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('campaign-worker.ts runs as a worker thread of a campaign run');
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const config = await loadConfigDir(init.rulesDir);
  const campaign = config.campaignById.get(init.campaignId);
  if (config.version !== init.configVersion) {
    post({
      type: 'failed',
      code: 'CAMPAIGN_RULES_CHANGED',
      message: `rules changed since the run started: ${init.rulesDir} is now version ${config.version}, the run is on ${init.configVersion}`,
    });
  } else if (!campaign) {
    post({
      type: 'failed',
      code: 'CAMPAIGN_NOT_FOUND',
      message: `no campaign "${init.campaignId}" in ${init.rulesDir}`,
    });
  } else {
    const decider = createCampaignDecider(config);
    // One chunk at a time, in arrival order: the coordinator sends a worker its next chunk only after the last.
    let queue = Promise.resolve();
    port.on('message', (message: ToWorker) => {
      queue = queue.then(async () => {
        const payload = unpack<ChunkPayload>(message.payload);
        const outcomes: CampaignOutcome[] = await decidePayload(decider, campaign, init.run, payload);
        const packed = pack(outcomes);
        post({ type: 'outcomes', seq: message.seq, outcomes: packed }, [packed.buffer as ArrayBuffer]);
      });
    });
    post({ type: 'ready' });
  }
} catch (error) {
  post({
    type: 'failed',
    code: 'CAMPAIGN_RULES_CHANGED',
    message: `the rules in ${init.rulesDir} no longer load: ${errorMessage(error)}`,
  });
}
