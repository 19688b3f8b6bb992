import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Nest answers unknown paths from a catch-all route (`/v1*path`): that is "unmatched" too. */
const routeTemplate = (req: Request, status: number): string => {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || (status === 404 && path.includes('*'))) return 'unmatched';
  return `${req.baseUrl}${path}`;
};

/**
 * Request duration by method, route template and status. The route is the matched template
 * (`/v1/customers/:id`), never the raw URL: ids and search terms stay out of label values.
 */
export const httpMetricsMiddleware = (registry: Registry): RequestHandler => {
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      end({
        method: req.method,
        route: routeTemplate(req, res.statusCode),
        status_code: String(res.statusCode),
      });
    });
    next();
  };
};
