import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exported } from './access-event.fixtures';
import { AlertWebhook } from './alert-webhook';
import { type DetectedAlert, detectAnomalies, initialAnomalyState } from './anomaly-detection';

type Received = { headers: IncomingMessage['headers']; body: unknown };
type Logged = { fields: Record<string, unknown>; message: string };

const [alert] = detectAnomalies(initialAnomalyState(), {
  ...exported('2026-11-30T03:00:00.000Z', 600),
  id: 'event-0',
}).alerts as [DetectedAlert];

/** A real HTTP receiver on a free local port, answering with the next status of `script`. */
const receiver = async (script: (attempt: number, response: ServerResponse) => void) => {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(raw) as unknown });
      script(received.length, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts?token=secret-token`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

describe(AlertWebhook.name, () => {
  let logged: Logged[];
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) =>
      void logged.push({ fields, message }),
  };

  beforeEach(() => {
    logged = [];
  });

  it('posts the alert as JSON with its id as the idempotency key', async () => {
    const hook = await receiver((_, response) => response.writeHead(204).end());
    try {
      const sut = new AlertWebhook({ url: hook.url, logger, backoffMs: 1 });
      expect(await sut.send(alert)).toBe(true);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0].body).toEqual({
        id: alert.id,
        type: 'AccessAnomalyDetected',
        data: alert.data,
      });
      expect(hook.received[0].headers['content-type']).toBe('application/json');
      expect(hook.received[0].headers['idempotency-key']).toBe(alert.id);
      expect(logged).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('retries with backoff until the receiver answers 2xx', async () => {
    const hook = await receiver((attempt, response) =>
      response.writeHead(attempt < 3 ? 503 : 200).end(),
    );
    try {
      const sut = new AlertWebhook({ url: hook.url, logger, backoffMs: 20 });
      const started = Date.now();
      expect(await sut.send(alert)).toBe(true);
      expect(hook.received).toHaveLength(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
      expect(logged).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('gives up after three retries, logs without the URL, and does not throw', async () => {
    const hook = await receiver((_, response) => response.writeHead(500).end());
    try {
      const sut = new AlertWebhook({ url: hook.url, logger, backoffMs: 1 });
      expect(await sut.send(alert)).toBe(false);
      expect(hook.received).toHaveLength(4);
      expect(logged).toEqual([
        {
          fields: { alertId: alert.id, rule: 'bulk-export', attempts: 4, status: 500 },
          message: 'alert webhook failed',
        },
      ]);
      expect(JSON.stringify(logged)).not.toContain('secret-token');
    } finally {
      await hook.close();
    }
  });

  it('times out a receiver that does not answer', async () => {
    const hook = await receiver(() => undefined);
    try {
      const sut = new AlertWebhook({
        url: hook.url,
        logger,
        timeoutMs: 100,
        retries: 1,
        backoffMs: 1,
      });
      expect(await sut.send(alert)).toBe(false);
      expect(hook.received).toHaveLength(2);
      expect(logged[0].fields).toMatchObject({ attempts: 2, error: 'TimeoutError' });
    } finally {
      await hook.close();
    }
  });

  it('logs a receiver that cannot be reached', async () => {
    const hook = await receiver((_, response) => response.end());
    await hook.close();
    const sut = new AlertWebhook({ url: hook.url, logger, retries: 0 });
    expect(await sut.send(alert)).toBe(false);
    expect(logged[0].fields).toMatchObject({ attempts: 1, error: 'TypeError' });
  });
});
