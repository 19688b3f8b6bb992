import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, RequestValidationException } from './problem-details';

/** Flattens class-validator errors to `{ field: 'address.city', rule: 'isNotEmpty' }`. */
export const toFieldErrors = (errors: readonly ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = Object.keys(error.constraints ?? {}).map((rule) => ({ field, rule }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });

/** Whitelist, reject unknown fields, transform; errors name field and rule, never the value. */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationException(toFieldErrors(errors)),
  });
