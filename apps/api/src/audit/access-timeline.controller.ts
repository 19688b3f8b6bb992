import { Readable } from 'node:stream';
import { Controller, Get, Headers, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  AccessTimelineSearch,
  type AuditTimelineEntry,
  type AuditTimelineFilter,
  type AuditTimelinePage,
} from '@custodia/access';
import { DATA_SOURCE } from '@custodia/runtime';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';
import { AccessTimelineQueryDto } from './access-timeline.dto';

export const NDJSON = 'application/x-ndjson';

const filterOf = (query: AccessTimelineQueryDto): AuditTimelineFilter => ({
  ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
  ...(query.actorId === undefined ? {} : { actorId: query.actorId }),
  ...(query.purpose === undefined ? {} : { purpose: query.purpose }),
  ...(query.kind === undefined ? {} : { kinds: query.kind }),
  ...(query.from === undefined ? {} : { from: new Date(query.from) }),
  ...(query.to === undefined ? {} : { to: new Date(query.to) }),
});

/** One JSON document per line, pulled from the query a page at a time as the client reads. */
const ndjsonLines = async function* (
  first: IteratorResult<AuditTimelineEntry>,
  rest: AsyncIterator<AuditTimelineEntry>,
) {
  for (let next = first; next.done !== true; next = await rest.next()) {
    yield `${JSON.stringify(next.value)}\n`;
  }
};

/**
 * The audit timeline: every view, reveal, export and denial, and every change (fields set or
 * removed by name, consent granted or withdrawn, owner changed, correction, erasure). Ids,
 * roles, purposes, field names, kinds and masked/clear flags only: never a personal value.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/access')
export class AccessTimelineController {
  private readonly search: AccessTimelineSearch;

  constructor(@Inject(DATA_SOURCE) dataSource: DataSource) {
    this.search = new AccessTimelineSearch(dataSource);
  }

  @Get()
  @Roles('auditor', 'dpo')
  @ApiOperation({
    summary: 'Accesses and changes, newest first, filtered by customer, actor, purpose and time',
    description:
      '`from` is inclusive, `to` exclusive. JSON pages continue with `cursor`; with ' +
      '`Accept: application/x-ndjson` or `format=ndjson` every matching entry is streamed, one ' +
      'per line; a failure mid-stream cuts the connection, so a cut stream never looks complete.',
  })
  @ApiProduces('application/json', NDJSON)
  async list(
    @Query() query: AccessTimelineQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AuditTimelinePage | StreamableFile> {
    const filter = filterOf(query);
    const ndjson =
      query.format === 'ndjson' || (query.format === undefined && (accept ?? '').includes(NDJSON));
    if (!ndjson) {
      return this.search.page(filter, {
        limit: query.limit ?? 100,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
    }
    // Filter and cursor are checked, and the first page read, before any byte is sent: a
    // refusal or an unavailable database is still a problem+json response. Past that point a
    // failure cuts the connection (StreamableFile's handler), so a truncated stream never looks
    // complete.
    const entries = this.search.stream(filter, query.cursor);
    const first = await entries.next();
    response.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(Readable.from(ndjsonLines(first, entries)), { type: NDJSON });
  }
}
