import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { CODE_PATTERN } from '@custodia/privacy';
import { RequestValidationException } from '../http/problem-details';

/** A request or hold id in the path: plain characters (400 naming `id` otherwise). */
@Injectable()
export class PrivacyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CODE_PATTERN.test(value)) {
      throw new RequestValidationException([{ field: 'id', rule: 'matches' }]);
    }
    return value;
  }
}

/** A customer id in the path: a UUID (400 naming `id` otherwise). */
@Injectable()
export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) throw new RequestValidationException([{ field: 'id', rule: 'isUuid' }]);
    return value;
  }
}
