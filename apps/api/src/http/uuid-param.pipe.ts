import { ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationException } from './problem-details';

/** A UUID path parameter: a 400 naming the parameter otherwise (ParseUUIDPipe's names none). */
export const uuidParam = (field = 'id'): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () => new RequestValidationException([{ field, rule: 'isUuid' }]),
  });
