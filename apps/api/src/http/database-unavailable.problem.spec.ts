import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ProblemDetailsFilter } from './problem-details.filter';

const pgError = (code: string | undefined, message = 'terminating connection'): Error =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

describe('database unavailable → 503', () => {
  const filter = new ProblemDetailsFilter();
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  const statusOf = (error: unknown): number => filter.toProblem(error, 'urn:uuid:x').status;

  it.each([
    ['admin shutdown (PostgreSQL restarting)', pgError('57P01')],
    ['cannot connect now (starting up)', pgError('57P03')],
    ['connection failure', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', pgError('ECONNRESET', 'read ECONNRESET')],
    ['connection dropped (pg, no code)', pgError(undefined, 'Connection terminated unexpectedly')],
    [
      'wrapped by TypeORM',
      new QueryFailedError('SELECT 1', [], pgError('57P01') as Error & { code: string }),
    ],
  ])('answers %s with a retryable 503 naming no detail of the error', (_, error) => {
    const problem = filter.toProblem(error, 'urn:uuid:x');
    expect(problem).toMatchObject({
      status: 503,
      code: 'DATABASE.UNAVAILABLE',
      type: 'urn:custodia:problem:database-unavailable',
    });
    expect(JSON.stringify(problem)).not.toMatch(/127\.0\.0\.1|terminating|ECONN/);
  });

  it.each([
    ['a syntax error', pgError('42601')],
    ['a unique violation', pgError('23505')],
    ['an error without code', new Error('something else')],
  ])('still answers %s with a 500', (_, error) => {
    expect(statusOf(error)).toBe(500);
  });
});
