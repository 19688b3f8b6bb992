import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@custodia/platform';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { setupOpenApi } from './openapi.setup';
import { requestContextMiddleware } from './request-context.middleware';

export const API_PREFIX = 'v1';
export const BODY_LIMIT = '100kb';

/**
 * Everything about the HTTP edge that lives on the Express app rather than in a module. Shared by
 * main.ts and the end-to-end tests, so tests exercise the same stack. Create the app with
 * `{ bodyParser: false }`: the JSON parser is registered here, with its limit.
 */
export const setupHttpApp = (app: NestExpressApplication): void => {
  app.use(requestContextMiddleware);
  app.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  // No upgrade-insecure-requests: on plain http (local, or TLS ending at a proxy) it would make
  // browsers fetch the /docs assets over https and fail.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  setupOpenApi(app);
};
