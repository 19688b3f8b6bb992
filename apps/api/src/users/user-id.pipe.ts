import { Injectable, type PipeTransform } from '@nestjs/common';
import { isValidUserId } from '@custodia/identity';
import { RequestValidationException } from '../http/problem-details';

/** The `:id` path parameter must be a well-formed user id (400 naming `id` otherwise). */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isValidUserId(value))
      throw new RequestValidationException([{ field: 'id', rule: 'matches' }]);
    return value;
  }
}
