import type { ValidationError } from '@nestjs/common';
import { toFieldErrors } from './validation.pipe';

const error = (
  property: string,
  constraints: Record<string, string> | undefined,
  children: ValidationError[] = [],
): ValidationError => ({ property, constraints, children });

describe(toFieldErrors.name, () => {
  it('names nested fields by path and each broken rule, without values', () => {
    const sut = toFieldErrors([
      error('phone', { isMobilePhone: 'phone must be a phone number' }),
      error('address', undefined, [error('city', { isNotEmpty: 'city should not be empty' })]),
    ]);
    expect(sut).toEqual([
      { field: 'phone', rule: 'isMobilePhone' },
      { field: 'address.city', rule: 'isNotEmpty' },
    ]);
  });
});
