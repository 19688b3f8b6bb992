import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessTimelineSearch } from '@custodia/access';
import { CustomerExposure, type ExposureReport } from '@custodia/audit';
import type { PurposeCatalog } from '@custodia/consent';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { DATA_SOURCE } from '@custodia/runtime';
import type { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';
import { PURPOSE_CATALOG } from '../customers/purpose-catalog.provider';
import { ProblemException } from '../http/problem-details';
import { ExposureQueryDto } from './exposure.dto';

/**
 * Who could see which of a customer's fields at a moment, replayed from the log (user
 * directory, ownership, consents) through the live access policy, and who actually did.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/exposure')
export class ExposureController {
  private readonly exposure: CustomerExposure;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(PURPOSE_CATALOG) catalog: PurposeCatalog,
  ) {
    this.exposure = new CustomerExposure({
      store,
      timeline: new AccessTimelineSearch(dataSource),
      catalog,
    });
  }

  @Get()
  @Roles('auditor', 'dpo')
  @ApiOperation({
    summary: "Who could see which of this customer's fields at `at`, and who actually did",
    description:
      'Per user active at `at`: roles, team and, per purpose that showed anything, each field ' +
      'as clear, masked or hidden and the fields they could reveal. `actualAccesses`: views and ' +
      'reveals up to `at` from the access timeline. An erased customer: nobody from the erasure ' +
      'on; owner, team, consents and field names before it can still be replayed.',
  })
  async get(@Query() query: ExposureQueryDto): Promise<ExposureReport> {
    const report = await this.exposure.asOf(query.customerId, new Date(query.at));
    if (report === undefined) {
      throw new ProblemException({
        status: 404,
        slug: 'customer-not-found',
        title: 'Not Found',
        detail: 'customerId: no such customer',
        code: 'AUDIT.CUSTOMER_NOT_FOUND',
        errors: [{ field: 'customerId', rule: 'no such customer' }],
      });
    }
    return report;
  }
}
