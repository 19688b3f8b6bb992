import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { catchError, type Observable, throwError } from 'rxjs';
import { PrivacyError, type PrivacyErrorCode } from '@custodia/privacy';
import { ProblemException } from '../http/problem-details';

// 400: malformed; 404: no such request, hold or customer; 409: the request's state refuses it.
const STATUS: Readonly<Record<PrivacyErrorCode, number>> = {
  'PRIVACY.REQUEST_NOT_FOUND': 404,
  'PRIVACY.REQUEST_EXISTS': 409,
  'PRIVACY.CUSTOMER_NOT_FOUND': 404,
  'PRIVACY.FIELD_INVALID': 400,
  'PRIVACY.INVALID_TRANSITION': 409,
  'PRIVACY.REASON_REQUIRED': 400,
  'PRIVACY.ALREADY_EXTENDED': 409,
  'PRIVACY.NO_ACTIVE_HOLD': 409,
  'PRIVACY.HOLD_ACTIVE': 409,
  'PRIVACY.HOLD_EXISTS': 409,
  'PRIVACY.HOLD_NOT_FOUND': 404,
};

/** `PRIVACY.INVALID_TRANSITION` → `privacy-invalid-transition`. */
const slugOf = (code: PrivacyErrorCode): string => code.toLowerCase().replace(/[._]/g, '-');

/** The privacy context's errors as problem+json; their messages never hold a value. */
export const privacyProblem = (error: PrivacyError): ProblemException => {
  const status = STATUS[error.code];
  return new ProblemException({
    status,
    slug: slugOf(error.code),
    title: STATUS_CODES[status] ?? 'Error',
    detail: error.message,
    code: error.code,
    ...(error.field === undefined ? {} : { errors: [{ field: error.field, rule: error.code }] }),
  });
};

/** Maps PrivacyError thrown by the privacy routes' handlers; other errors pass unchanged. */
@Injectable()
export class PrivacyProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() => (error instanceof PrivacyError ? privacyProblem(error) : error)),
        ),
      );
  }
}
