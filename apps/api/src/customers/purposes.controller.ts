import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  type NoticeView,
  noticeViews,
  type PurposeCatalog,
  type PurposeView,
  purposeViews,
} from '@custodia/consent';
import { PURPOSE_CATALOG } from './purpose-catalog.provider';

/** The purpose catalog and the privacy notices, as configured. Any authenticated user. */
@ApiTags('consent')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid token, or the user has left' })
@Controller()
export class PurposesController {
  private readonly purposes: PurposeView[];
  private readonly notices: NoticeView[];

  constructor(@Inject(PURPOSE_CATALOG) catalog: PurposeCatalog) {
    // The catalog is fixed for the life of the process: build the views once.
    this.purposes = purposeViews(catalog);
    this.notices = noticeViews(catalog);
  }

  @Get('purposes')
  @ApiOperation({ summary: 'Purposes: lawful basis, fields (minimum necessity), roles, retention' })
  @ApiOkResponse({ description: 'The purposes, sorted by id' })
  listPurposes(): { items: PurposeView[] } {
    return { items: this.purposes };
  }

  @Get('notices')
  @ApiOperation({ summary: 'Privacy notices: version, purpose, language and SHA-256 of the text' })
  @ApiOkResponse({ description: 'One row per notice version, purpose and language' })
  listNotices(): { items: NoticeView[] } {
    return { items: this.notices };
  }
}
