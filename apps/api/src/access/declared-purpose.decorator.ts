import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RequestValidationException } from '../http/problem-details';

const PURPOSE_ID = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The purpose a read declares in `X-Purpose` (DESIGN.md): required, a catalog id in form. Whether
 * the role may use it and the customer's basis covers it is the access decision's to say.
 */
export const DeclaredPurpose = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const header = context.switchToHttp().getRequest<Request>().headers['x-purpose'];
    const value = Array.isArray(header) ? undefined : header?.trim();
    if (value === undefined || value === '') {
      throw new RequestValidationException([
        { field: 'X-Purpose', rule: 'the header is required: name the purpose of this read' },
      ]);
    }
    if (!PURPOSE_ID.test(value)) {
      throw new RequestValidationException([
        { field: 'X-Purpose', rule: 'must be a purpose id of the catalog (GET /v1/purposes)' },
      ]);
    }
    return value;
  },
);
