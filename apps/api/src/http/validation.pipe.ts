import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, RequestValidationException } from './problem-details';

/** What stands for a property name the caller made up that is not a plain name. */
export const UNNAMED_FIELD = '(unnamed)';

/**
 * A property as an error may name it: declared properties and array indexes are plain; an
 * unknown property is the caller's text (a key can be a phone number or a name), so it is named
 * only when it is a plain identifier without a run of 7 digits.
 */
const nameOf = (property: string): string =>
  /^(?:[A-Za-z_$][\w$]{0,63}|\d{1,6})$/.test(property) && !/\d{7}/.test(property)
    ? property
    : UNNAMED_FIELD;

/** Flattens class-validator errors to `{ field: 'address.city', rule: 'isNotEmpty' }`. */
export const toFieldErrors = (errors: readonly ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((error) => {
    const property = nameOf(error.property);
    const field = prefix === '' ? property : `${prefix}.${property}`;
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
