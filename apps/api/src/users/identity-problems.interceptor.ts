import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { catchError, type Observable, throwError } from 'rxjs';
import { IdentityError, type IdentityErrorCode } from '@custodia/identity';
import { ProblemException } from '../http/problem-details';

const STATUS: Readonly<Record<IdentityErrorCode, number>> = {
  'IDENTITY.USER_EXISTS': 409,
  'IDENTITY.USER_NOT_FOUND': 404,
  'IDENTITY.USER_OFFBOARDED': 409,
  'IDENTITY.INVALID_USER_ID': 400,
  'IDENTITY.INVALID_DISPLAY_NAME': 400,
  'IDENTITY.INVALID_TEAM': 400,
  'IDENTITY.NO_ROLES': 400,
  'IDENTITY.UNKNOWN_ROLE': 400,
  'IDENTITY.TEAM_REQUIRED': 400,
  'IDENTITY.INVALID_EFFECTIVE_AT': 400,
  'IDENTITY.NO_NOTICE': 409,
  'IDENTITY.NOTICE_NOT_DUE': 409,
  'IDENTITY.FORBIDDEN': 403,
};

/** `IDENTITY.USER_EXISTS` → `identity-user-exists`. */
const slugOf = (code: IdentityErrorCode): string => code.toLowerCase().replace(/[._]/g, '-');

/** The identity context's errors as problem+json; their messages never hold a value. */
export const identityProblem = (error: IdentityError): ProblemException => {
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

/** Maps IdentityError thrown by the user routes' handlers; other errors pass unchanged. */
@Injectable()
export class IdentityProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() => (error instanceof IdentityError ? identityProblem(error) : error)),
        ),
      );
  }
}
