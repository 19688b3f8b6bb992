import { type ArgumentsHost, BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import { EventStoreError, WrongExpectedRevision } from '@custodia/event-store';
import { runInContext } from '@custodia/platform';
import { RequestValidationException } from './problem-details';
import { describeError, ProblemDetailsFilter } from './problem-details.filter';

type Sent = {
  status: number;
  type: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
};

const respond = (exception: unknown): Sent => {
  const sent: Sent = { status: 0, type: '', body: {}, headers: {} };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(value: string) {
      sent.type = value;
      return this;
    },
    send(text: string) {
      sent.body = JSON.parse(text) as Record<string, unknown>;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  const sut = new ProblemDetailsFilter();
  runInContext({ requestId: 'req-1', correlationId: 'corr-1' }, () => sut.catch(exception, host));
  return sent;
};

describe(ProblemDetailsFilter.name, () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('sends validation failures as 400 problem+json naming field and rule', () => {
    const sent = respond(
      new RequestValidationException([{ field: 'phone', rule: 'isMobilePhone' }]),
    );
    expect(sent.status).toBe(400);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.body).toEqual({
      type: 'urn:custodia:problem:validation',
      title: 'Invalid request',
      status: 400,
      detail: expect.stringContaining('phone'),
      instance: 'urn:uuid:req-1',
      code: 'REQUEST.VALIDATION',
      errors: [{ field: 'phone', rule: 'isMobilePhone' }],
    });
  });

  it('maps a wrong expected revision to 409 without naming the stream', () => {
    const sent = respond(new WrongExpectedRevision('customer-13812345678', 3, 5));
    expect(sent.status).toBe(409);
    expect(sent.body.code).toBe('EVENT_STORE.WRONG_EXPECTED_REVISION');
    expect(JSON.stringify(sent.body)).not.toContain('13812345678');
  });

  it('maps an unavailable event store to 503 with Retry-After', () => {
    const sent = respond(new EventStoreError('EVENT_STORE.UNAVAILABLE', 'connect ECONNREFUSED'));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('5');
    expect(sent.body).toMatchObject({ status: 503, code: 'EVENT_STORE.UNAVAILABLE' });
    expect(JSON.stringify(sent.body)).not.toContain('ECONNREFUSED');
  });

  it('replaces framework messages that may echo input with a fixed detail', () => {
    const notFound = respond(new NotFoundException('Cannot GET /v1/customers/13812345678'));
    const badJson = respond(new BadRequestException('Unexpected token a in "zhang@example.com"'));
    expect(notFound.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(JSON.stringify(notFound.body)).not.toContain('13812345678');
    expect(badJson.status).toBe(400);
    expect(JSON.stringify(badJson.body)).not.toContain('zhang@example.com');
  });

  it('hides unknown errors behind a 500 with an error id, logged without the message', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = respond(new Error('duplicate key (phone)=(13812345678)'));
    expect(sent.status).toBe(500);
    expect(sent.body.errorId).toEqual(expect.any(String));
    expect(sent.body.detail).toContain(String(sent.body.errorId));
    const text = JSON.stringify(sent.body);
    expect(text).not.toContain('13812345678');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(JSON.stringify(log.mock.calls)).toContain(String(sent.body.errorId));
    expect(JSON.stringify(log.mock.calls)).not.toContain('13812345678');
  });

  it('keeps class, code and frames of an error for the log, and drops its message', () => {
    const error = Object.assign(new Error('secret value 13812345678'), { code: '23505' });
    const described = describeError(error);
    expect(described).toMatchObject({ name: 'Error', code: '23505' });
    expect(JSON.stringify(described)).not.toContain('13812345678');
  });
});
