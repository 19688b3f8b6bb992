import type { Duplex } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { CONFIG, type Config, METRICS_REGISTRY } from '@custodia/platform';
import { jsonOnlyMiddleware } from './content-type.middleware';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { jsonDepthMiddleware } from './json-depth.middleware';
import { setupOpenApi } from './openapi.setup';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { requestContextMiddleware } from './request-context.middleware';
import { requestTimeoutMiddleware } from './request-timeout.middleware';

export const API_PREFIX = 'v1';
export const BODY_LIMIT = '100kb';

/**
 * Everything about the HTTP edge that lives on the Express app rather than in a module. Shared by
 * main.ts and the end-to-end tests, so tests exercise the same stack. Create the app with
 * `{ bodyParser: false }`: the JSON parser is registered here, with its limit.
 */
export const setupHttpApp = (app: NestExpressApplication): void => {
  app.use(requestContextMiddleware);
  app.use(requestTimeoutMiddleware(app.get<Config>(CONFIG).requestTimeoutMs));
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  // No upgrade-insecure-requests: on plain http (local, or TLS ending at a proxy) it would make
  // browsers fetch the /docs assets over https and fail.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use(jsonOnlyMiddleware);
  app.use(jsonDepthMiddleware);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  setupOpenApi(app);
  notFoundEverywhere(app);
  app.getHttpServer().on('clientError', answerClientError);
};

/**
 * Nest mounts its 404 handler under the global prefix only, so `GET /nope` would get Express's
 * HTML page. Mount the same handler at the root too, after every route (Nest calls this at init).
 */
const notFoundEverywhere = (app: NestExpressApplication): void => {
  const adapter = app.getHttpAdapter();
  const mount = adapter.setNotFoundHandler?.bind(adapter);
  if (mount === undefined) return;
  adapter.setNotFoundHandler = (handler: (...args: unknown[]) => unknown, ...rest: unknown[]) => {
    const mounted: unknown = mount(handler, ...(rest as [string | undefined]));
    if (rest[0] !== undefined && rest[0] !== '') adapter.use(handler);
    return mounted;
  };
};

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'The request headers are larger than the limit.',
  ],
  HPE_URI_TOO_LONG: [414, 'URI Too Long', 'The request URI is longer than the limit.'],
};

/**
 * What Node's HTTP parser refuses before Express sees it (headers over --max-http-header-size,
 * malformed requests): a problem+json instead of Node's bare status line. Nothing of the request
 * is echoed; the connection is closed.
 */
export const answerClientError = (error: Error & { code?: string }, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'The request could not be parsed as HTTP.',
  ];
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};
