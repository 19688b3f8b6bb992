import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { ReadStoreError } from './read-store.errors';
import { describeError, type ReadStoreLogger } from './read-store.logger';

describe(describeError.name, () => {
  it('keeps name, message and SQLSTATE of a query error, never its parameters or detail', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (phone)=(13800138000) already exists.',
    });
    const wrapped = new ReadStoreError('READ_STORE.APPLY_FAILED', 'projection "x" failed', {
      cause: new QueryFailedError('INSERT INTO t VALUES ($1)', ['13800138000'], driverError),
    });

    const sut = describeError(wrapped);

    expect(sut).toEqual({
      name: 'ReadStoreError',
      message: 'projection "x" failed',
      code: 'READ_STORE.APPLY_FAILED',
      cause: {
        name: 'QueryFailedError',
        message: 'duplicate key value violates unique constraint',
        code: '23505',
      },
    });
    expect(JSON.stringify(sut)).not.toContain('13800138000');
  });

  it('describes a thrown non-error without its value', () => {
    expect(describeError({ phone: '13800138000' })).toEqual({
      name: 'object',
      message: 'non-error thrown',
    });
  });

  it('accepts a pino logger as the read store logger', () => {
    const lines: string[] = [];
    const logger: ReadStoreLogger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    logger.warn({ projection: 'ledger' }, 'lock lost');
    expect(JSON.parse(lines[0])).toMatchObject({
      projection: 'ledger',
      msg: 'lock lost',
      level: 40,
    });
  });
});
