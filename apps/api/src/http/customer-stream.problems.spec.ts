import { ConsentError } from '@custodia/consent';
import { CustomerError } from '@custodia/customers';
import { FollowUpError } from '@custodia/follow-ups';
import { customerStreamProblem } from './customer-stream.problems';

describe(customerStreamProblem.name, () => {
  it('maps each context error to a status, naming the field and the rule', () => {
    expect(
      customerStreamProblem(
        new CustomerError('CUSTOMER.FIELD_NOT_COVERED', 'idNumber: no active purpose', 'idNumber'),
      ),
    ).toMatchObject({
      status: 422,
      slug: 'customer-field-not-covered',
      code: 'CUSTOMER.FIELD_NOT_COVERED',
      errors: [{ field: 'idNumber', rule: 'CUSTOMER.FIELD_NOT_COVERED' }],
    });
    expect(customerStreamProblem(new CustomerError('CUSTOMER.NOT_FOUND', 'x'))?.status).toBe(404);
    expect(customerStreamProblem(new FollowUpError('FOLLOW_UP.ALREADY_LOGGED', 'x'))?.status).toBe(
      409,
    );
    expect(
      customerStreamProblem(new ConsentError('CONSENT.NOTICE_HASH_MISMATCH', 'x'))?.status,
    ).toBe(422);
  });

  it('leaves a broken catalog and other errors to the filter (a 500)', () => {
    expect(customerStreamProblem(new ConsentError('CONSENT.CATALOG_INVALID', 'x'))).toBeUndefined();
    expect(customerStreamProblem(new Error('x'))).toBeUndefined();
  });
});
