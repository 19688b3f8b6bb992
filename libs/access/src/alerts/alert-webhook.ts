import type { ReadStoreLogger } from '@custodia/read-store';
import type { DetectedAlert } from './anomaly-detection';

export type AlertWebhookOptions = {
  /** ALERT_WEBHOOK_URL. Never logged: it may carry a token. */
  readonly url: string;
  readonly logger: Pick<ReadStoreLogger, 'warn'>;
  /** Per attempt. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Attempts after the first. Default 3. */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each next one. Default 500 ms. */
  readonly backoffMs?: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pushes an alert as JSON to a webhook (a SIEM, a chat bot). The alert holds ids, counts and
 * times only, so it can leave as it is. Best effort: failures are logged, never thrown; the alert
 * is in the log and the read model either way. `Idempotency-Key` lets the receiver drop repeats.
 */
export class AlertWebhook {
  constructor(private readonly options: AlertWebhookOptions) {}

  /** True once the receiver answered 2xx. */
  async send(alert: DetectedAlert): Promise<boolean> {
    const { retries = 3, backoffMs = 500 } = this.options;
    const body = JSON.stringify({ id: alert.id, type: alert.type, data: alert.data });
    let failure: Record<string, unknown> = {};
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': alert.id },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        await response.body?.cancel();
        if (response.ok) return true;
        failure = { status: response.status };
      } catch (error) {
        // By name, not instanceof: fetch's errors may come from another realm (undici, Jest).
        const name = (error as { name?: unknown } | null)?.name;
        failure = { error: typeof name === 'string' ? name : typeof error };
      }
    }
    this.options.logger.warn(
      { alertId: alert.id, rule: alert.data.rule, attempts: retries + 1, ...failure },
      'alert webhook failed',
    );
    return false;
  }
}
