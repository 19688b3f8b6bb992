import { Agent, request } from 'node:http';

export type HttpResponse = { readonly status: number; readonly body: unknown };

export type HttpClient = {
  /** `method path` with a bearer token, an optional X-Purpose and an optional JSON body. */
  call(
    method: 'GET' | 'POST',
    path: string,
    options: { token: string; purpose?: string; body?: unknown },
  ): Promise<HttpResponse>;
  close(): void;
};

/**
 * A minimal JSON client over node:http with one keep-alive agent, so that the measured requests
 * reuse their connections (no TCP setup per request) and no client library sits in the way.
 */
export const httpClient = (baseUrl: string, maxSockets: number): HttpClient => {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const base = new URL(baseUrl);
  return {
    call: (method, path, { token, purpose, body }) =>
      new Promise<HttpResponse>((resolve, reject) => {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(purpose === undefined ? {} : { 'x-purpose': purpose }),
              ...(payload === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': payload.length }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = text === '' ? undefined : JSON.parse(text);
              } catch {
                // not JSON: keep the text
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
};
