// createClient: the typed Arbiter client, HTTP calls plus stream subscriptions over one WebSocket.
import { type CallOptions, type HttpSettings, httpCall } from './http-call.js';
import { StreamConnection, type SubscribeOptions, type Subscription } from './stream.js';
import type {
  ActionCatalog,
  ActionFilter,
  CampaignList,
  CampaignRunStarted,
  CampaignRunView,
  Decision,
  DecisionRequest,
  EventAccepted,
  OutcomeRequest,
  SubscriberEvent,
  SubscriberView,
} from './types.js';
import type { WebSocketConstructor } from './websocket-like.js';

export interface ClientOptions {
  /** The server's HTTP address, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `ak_<id>_<secret>`, as the server printed or `POST /v1/keys` returned it. */
  apiKey: string;
  /** Per attempt, in ms. Default 2,000. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls (getSubscriber, listActions, sendEvent). Default 2. */
  retries?: number;
  /** First retry waits up to this long (jittered, doubling). Default 100 ms. */
  retryBaseMs?: number;
  /** No retry waits longer. Default 2,000 ms. */
  retryMaxMs?: number;
  /** Default: the global fetch (browsers, Node 18+). */
  fetch?: typeof fetch;
  /** Default: the global WebSocket (browsers). Node 20 has none: pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** The stream's address. Default: `baseUrl` with ws(s):// and `/v1/stream`. */
  wsUrl?: string;
  /**
   * How the stream sends the key: `query` (default) as `?key=`, the only way a browser can; `header` as `x-api-key`
   * on the upgrade request, which keeps it out of proxy logs but needs an implementation that takes headers (`ws`).
   */
  streamAuth?: 'query' | 'header';
  /** First reconnect waits up to this long (jittered, doubling). Default 250 ms. */
  reconnectBaseMs?: number;
  /** No reconnect waits longer. Default 10,000 ms. */
  reconnectMaxMs?: number;
  /** Stream heartbeat: a ping this often, and a socket without a pong by the next one is reopened. Default 15,000; 0 is off. */
  heartbeatMs?: number;
  /** Jitter source in [0, 1); for tests. Default Math.random. */
  random?: () => number;
}

export interface ArbiterClient {
  /** POST /v1/decisions. Not retried by default: each attempt logs a decision. */
  decide(request: DecisionRequest, options?: CallOptions): Promise<Decision>;
  /** POST /v1/events. Retried: the server applies an event id once, so a repeat is answered `duplicate`. */
  sendEvent(event: SubscriberEvent, options?: CallOptions): Promise<EventAccepted>;
  /** POST /v1/outcomes. Not retried by default: the server does not deduplicate outcomes, and a repeat counts twice. */
  recordOutcome(outcome: OutcomeRequest, options?: CallOptions): Promise<void>;
  /** GET /v1/subscribers/:id (agent role): profile, features, recent decisions, contact history. */
  getSubscriber(subscriberId: string, options?: CallOptions): Promise<SubscriberView>;
  /** GET /v1/actions: the action catalog of the config in force, optionally for one channel, issue or group. */
  listActions(filter?: ActionFilter, options?: CallOptions): Promise<ActionCatalog>;
  /** GET /v1/campaigns (analyst role): each campaign with its next scheduled start and its live and last runs. */
  listCampaigns(options?: CallOptions): Promise<CampaignList>;
  /**
   * POST /v1/campaigns/:id/runs: a dry run (analyst role) or a real one (admin). Not retried by default: a start
   * whose answer was lost may have started the run, and a repeat after it ended would start a second one.
   */
  startCampaignRun(campaignId: string, run?: { dryRun?: boolean }, options?: CallOptions): Promise<CampaignRunStarted>;
  /** GET /v1/campaigns/runs/:runId (analyst role): a live run's progress, or a finished run's report. */
  getCampaignRun(runId: string, options?: CallOptions): Promise<CampaignRunView>;
  /** Fresh recommendations for a subscriber, pushed over the stream whenever an event changes its profile. */
  subscribe(subscriberId: string, options: SubscribeOptions): Subscription;
  /** Ends every subscription and closes the stream. HTTP calls still work. */
  close(): void;
}

/**
 * A client for one server and one API key.
 * @example
 * const arbiter = createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.ARBITER_KEY! });
 * const decision = await arbiter.decide({ subscriberId: 'SUB-00000042', channel: 'app' });
 */
export function createClient(options: ClientOptions): ArbiterClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') throw new TypeError('no fetch: pass options.fetch');
  const http: HttpSettings = {
    baseUrl,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? 2_000,
    retries: options.retries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 100,
    retryMaxMs: options.retryMaxMs ?? 2_000,
    fetch: fetchImpl,
    ...(options.random ? { random: options.random } : {}),
  };
  let stream: StreamConnection | undefined;

  const openStream = (): StreamConnection => {
    const WebSocketImpl =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
    if (typeof WebSocketImpl !== 'function') {
      throw new TypeError('no WebSocket: pass options.WebSocket (in Node, WebSocket from the ws package)');
    }
    const inHeader = options.streamAuth === 'header';
    stream = new StreamConnection({
      url: streamUrl(options.wsUrl ?? baseUrl, options.wsUrl === undefined, inHeader ? undefined : options.apiKey),
      ...(inHeader ? { headers: { 'x-api-key': options.apiKey } } : {}),
      WebSocket: WebSocketImpl,
      reconnectBaseMs: options.reconnectBaseMs ?? 250,
      reconnectMaxMs: options.reconnectMaxMs ?? 10_000,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      ...(options.random ? { random: options.random } : {}),
    });
    return stream;
  };

  return {
    decide: (request, call) =>
      httpCall(http, { method: 'POST', path: '/v1/decisions', body: request, idempotent: false }, call),
    sendEvent: (event, call) =>
      httpCall(http, { method: 'POST', path: '/v1/events', body: event, idempotent: true }, call),
    async recordOutcome(outcome, call) {
      await httpCall(http, { method: 'POST', path: '/v1/outcomes', body: outcome, idempotent: false }, call);
    },
    getSubscriber: (subscriberId, call) =>
      httpCall(
        http,
        { method: 'GET', path: `/v1/subscribers/${encodeURIComponent(subscriberId)}`, idempotent: true },
        call,
      ),
    listActions: (filter = {}, call) => {
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined)).toString();
      return httpCall(http, { method: 'GET', path: `/v1/actions${query ? `?${query}` : ''}`, idempotent: true }, call);
    },
    listCampaigns: (call) => httpCall(http, { method: 'GET', path: '/v1/campaigns', idempotent: true }, call),
    startCampaignRun: (campaignId, run = {}, call) =>
      httpCall(
        http,
        {
          method: 'POST',
          path: `/v1/campaigns/${encodeURIComponent(campaignId)}/runs`,
          body: { dryRun: run.dryRun ?? false },
          idempotent: false,
        },
        call,
      ),
    getCampaignRun: (runId, call) =>
      httpCall(
        http,
        { method: 'GET', path: `/v1/campaigns/runs/${encodeURIComponent(runId)}`, idempotent: true },
        call,
      ),
    subscribe: (subscriberId, subscribeOptions) => (stream ?? openStream()).subscribe(subscriberId, subscribeOptions),
    close: () => stream?.close(),
  };
}

/** The stream URL, with the key in `?key=` when it is not sent as a header. */
function streamUrl(address: string, derived: boolean, apiKey: string | undefined): string {
  const url = new URL(address);
  if (derived) {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/stream`;
  }
  if (apiKey !== undefined) url.searchParams.set('key', apiKey);
  return url.toString();
}
