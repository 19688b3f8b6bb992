/** The subset of pino the read store needs; a pino `Logger` fits as is. */
export type ReadStoreLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export type SafeErrorDescription = {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly cause?: SafeErrorDescription;
};

const codeOf = (error: Error): string | undefined => {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // TypeORM's QueryFailedError keeps the SQLSTATE on the driver error.
  const driverCode = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof driverCode === 'string' ? driverCode : undefined;
};

/**
 * What may be logged about an error: name, message and code. Never the whole object: a TypeORM
 * QueryFailedError carries the query parameters and pg's `detail` carries key values, both of
 * which may be personal data.
 */
export const describeError = (error: unknown, depth = 0): SafeErrorDescription => {
  if (!(error instanceof Error)) return { name: typeof error, message: 'non-error thrown' };
  const code = codeOf(error);
  const cause =
    error.cause !== undefined && depth < 3 ? describeError(error.cause, depth + 1) : undefined;
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    ...(cause === undefined ? {} : { cause }),
  };
};
