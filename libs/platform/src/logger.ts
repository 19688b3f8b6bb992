import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Params } from 'nestjs-pino';
import type { LogLevel } from './config';

/**
 * Every field name that may hold a personal value anywhere in Custodia (request bodies, events,
 * errors). The logger censors these at any of the first three levels of nesting, so a careless
 * `logger.info({ customer })` still never writes a phone number.
 */
export const PERSONAL_FIELD_NAMES = [
  'name',
  'displayName',
  'phone',
  'mobile',
  'email',
  'wechat',
  'address',
  'idNumber',
  'income',
  'health',
  'location',
  'bankAccount',
  'birthDate',
  'summary',
  'notes',
  'nextStep',
  'reason',
  'evidence',
  'value',
  'values',
] as const;

const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
];

/**
 * Field names that hold a secret (the configuration's among them: a careless
 * `log.info({ config })` must not write the JWT secret, the master key or the database password).
 */
const SECRET_FIELD_NAMES = [
  'password',
  'secret',
  'token',
  'masterKey',
  'jwtSecret',
  'databaseUrl',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_PATHS,
  ...SECRET_FIELD_NAMES.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...PERSONAL_FIELD_NAMES.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export const REDACTED = '[redacted]';

const baseOptions = (level: LogLevel): LoggerOptions => ({
  level,
  redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  base: { service: 'custodia' },
});

/** A plain pino logger for code that runs outside Nest (boot, CLI helpers). */
export const createLogger = (
  level: LogLevel = 'info',
  destination?: pino.DestinationStream,
): Logger =>
  destination === undefined ? pino(baseOptions(level)) : pino(baseOptions(level), destination);

/** nestjs-pino options: same redaction; request logs carry method, route and status only. */
export const loggerModuleParams = (
  level: LogLevel,
  destination?: pino.DestinationStream,
): Params => ({
  pinoHttp: [
    {
      ...baseOptions(level),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          // Query strings may carry search terms; log the path only.
          path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    ...(destination === undefined ? [] : [destination]),
  ] as Params['pinoHttp'],
});
