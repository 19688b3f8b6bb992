import { EventStoreError } from '../event-store.errors';

type PgError = Error & { readonly code?: string; readonly constraint?: string };

/** SQLSTATE of a unique violation, and the constraint that raised it. */
export const uniqueViolation = (error: unknown): string | undefined => {
  const pg = error as PgError;
  return pg instanceof Error && pg.code === '23505' ? (pg.constraint ?? '') : undefined;
};

/**
 * Maps a pg failure to the port's error. Messages carry the SQLSTATE only: pg's own text can
 * quote the offending value, which may be personal data, so it is not kept, not even as cause.
 */
export const toStoreError = (error: unknown): EventStoreError => {
  if (error instanceof EventStoreError) return error;
  const code = (error as PgError | undefined)?.code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState === undefined)
    // No SQLSTATE: the connection failed (refused, reset, pool ended) before any statement ran.
    return new EventStoreError('EVENT_STORE.UNAVAILABLE', 'PostgreSQL is unreachable', {
      cause: error,
    });
  if (sqlState === '42P01')
    return new EventStoreError(
      'EVENT_STORE.UNAVAILABLE',
      'the events table is missing: run eventStoreMigrations',
    );
  if (sqlState.startsWith('22'))
    return new EventStoreError(
      'EVENT_STORE.INVALID_ARGUMENT',
      `PostgreSQL rejected a value (SQLSTATE ${sqlState})`,
    );
  return new EventStoreError('EVENT_STORE.UNAVAILABLE', `PostgreSQL failed (SQLSTATE ${sqlState})`);
};
