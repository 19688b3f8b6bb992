import type { ValidationError } from '@nestjs/common';
import { toFieldErrors, UNNAMED_FIELD } from './validation.pipe';

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

  it('does not echo an unknown property that is not a plain name (it may be a personal value)', () => {
    const unknown = { whitelistValidation: 'property should not exist' };
    const sut = toFieldErrors([
      error('44030519880808147X', unknown),
      error('欧阳陈敏强', unknown),
      error('p13852013147', unknown),
      error('', unknown),
      error('consents', undefined, [error('0', undefined, [error('extra_1', unknown)])]),
    ]);
    expect(sut.map((e) => e.field)).toEqual([
      UNNAMED_FIELD,
      UNNAMED_FIELD,
      UNNAMED_FIELD,
      UNNAMED_FIELD,
      'consents.0.extra_1',
    ]);
  });
});
