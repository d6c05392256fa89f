// A channel that POSTs each message as JSON to a webhook (an SMS gateway, a CRM), with timeout, retries and backoff.
import type { Channel, DeliveryResult, OutboundMessage } from '@arbiter/engine';

export interface WebhookChannelOptions {
  /** The contact-policy channel it serves (sms, push, ...). */
  name: string;
  url: string;
  /** Per attempt, in ms (default 2,000). */
  timeoutMs?: number;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First backoff in ms, doubled each retry with up to 50 % jitter (default 100). */
  backoffMs?: number;
  headers?: Record<string, string>;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Every attempt carries the same `Idempotency-Key` (the message's `<decisionId>:<actionId>`), so a gateway that saw
 * an attempt whose answer was lost can drop the repeat. 4xx answers other than 408/425/429 are final.
 */
export function webhookChannel(options: WebhookChannelOptions): Channel {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    name: options.name,
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      let lastError = '';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1) * (1 + Math.random() / 2));
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': message.idempotencyKey,
              ...options.headers,
            },
            body: JSON.stringify(message),
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel();
          if (response.ok) return { ok: true };
          lastError = `HTTP ${response.status}`;
          if (!RETRYABLE.has(response.status)) break;
        } catch (error) {
          lastError =
            error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : String(error);
        }
      }
      return { ok: false, error: `webhook ${options.url}: ${lastError} after ${retries + 1} attempt(s)` };
    },
  };
}
