import { Readable } from 'node:stream';
import { Body, Controller, Inject, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CUSTOMER_VIEWS,
  type CustomerViews,
  customerAbilityFor,
  customerScope,
  decideCustomerAccess,
  type DirectoryRow,
  type FieldDisclosure,
  type FinanceRow,
  fieldsFor,
  purposeFor,
} from '@custodia/access';
import type { FieldName, PurposeCatalog } from '@custodia/consent';
import type { Actor, Role } from '@custodia/identity';
import { newId } from '@custodia/platform';
import { CurrentActor } from '../auth/auth.decorators';
import { PURPOSE_CATALOG } from '../customers/purpose-catalog.provider';
import { ProblemException } from '../http/problem-details';
import { AccessAudit } from './access-audit.service';
import { deniedProblem } from './access-problems';
import { presentCustomer } from './customer-presenter';
import { csvLine } from './csv';
import { ExportDto } from './export.dto';

/** Most rows one export may hold, per role (the most of the actor's roles applies). */
export const EXPORT_ROW_CAPS: Readonly<Record<Role, number>> = {
  sales: 200,
  sales_manager: 2_000,
  finance: 5_000,
  dpo: 0,
  admin: 0,
  auditor: 0,
};

const BUSINESS: readonly FieldName[] = ['products', 'quote', 'orderStatus'];

/**
 * Exports of the customer directory as CSV, masked exactly as the role sees it, watermarked,
 * capped per role, refused under offboarding notice, and recorded before the first byte leaves.
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('exports')
export class ExportController {
  constructor(
    @Inject(CUSTOMER_VIEWS) private readonly views: CustomerViews,
    @Inject(PURPOSE_CATALOG) private readonly catalog: PurposeCatalog,
    private readonly audit: AccessAudit,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Export customers as CSV (masked, watermarked, audited)' })
  @ApiProduces('text/csv')
  async export(
    @Body() body: ExportDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const route = 'POST /v1/exports';
    const who = { actor, purpose: body.purpose, route };
    if (actor.leavesAt !== undefined) {
      await this.audit.denied(who, 'export', null, 'UNDER_NOTICE');
      throw forbidden('under-notice', 'exports are refused during an offboarding notice period');
    }
    const found = purposeFor(actor, body.purpose, this.catalog);
    if ('reason' in found) {
      await this.audit.denied(who, 'export', null, found.reason);
      throw deniedProblem(found.reason);
    }
    const ability = customerAbilityFor(actor);
    const scope = customerScope(ability, 'export');
    const cap = Math.max(0, ...actor.roles.map((role) => EXPORT_ROW_CAPS[role]));
    if (scope.kind === 'none' || cap === 0) {
      await this.audit.denied(who, 'export', null, 'OUT_OF_SCOPE');
      throw forbidden('out-of-scope', 'your roles may not export customers');
    }
    // Each asked field must be one the purpose and the role show (given a separate consent).
    const fields = [...new Set(body.fields)] as FieldName[];
    const possible = fieldsFor(found.roles, found.purpose, {
      purpose: found.purpose.id,
      lawfulBasis: found.purpose.lawfulBasis,
      separate: true,
    });
    const refused = fields.filter((field) => !possible.has(field));
    if (refused.length > 0) {
      throw new ProblemException({
        status: 403,
        slug: 'access-field-not-exportable',
        title: 'Forbidden',
        detail: `fields: not available to your role for this purpose: ${refused.join(', ')}`,
        code: 'ACCESS.FIELD_NOT_EXPORTABLE',
        errors: refused.map((field) => ({ field: `fields.${field}`, rule: 'not exportable' })),
      });
    }

    const rows: { row: DirectoryRow; values: Partial<Record<FieldName, unknown>> }[] = [];
    const disclosed = new Map<FieldName, FieldDisclosure>();
    const filter = body.filter ?? {};
    const needsFinance = fields.some((field) => BUSINESS.includes(field));
    let cursor: string | undefined;
    let truncated = false;
    do {
      const page = await this.views.listDirectory(
        {
          ...filter,
          scope,
          ...(found.purpose.everyCustomer ? {} : { coveringPurpose: body.purpose }),
        },
        cursor,
        100,
      );
      for (const row of page.items) {
        if (row.erased) continue; // never listed; an erased customer is never exported either
        const decision = decideCustomerAccess(
          actor,
          ability,
          'export',
          body.purpose,
          row,
          this.catalog,
        );
        if (!decision.allowed) continue; // not covered for this purpose: not exported
        if (rows.length === cap) {
          truncated = true;
          break;
        }
        const shown = new Map([...decision.fields].filter(([field]) => fields.includes(field)));
        const finance: FinanceRow | undefined = needsFinance
          ? await this.views.financeOf(row.customerId)
          : undefined;
        const { view, disclosed: these } = presentCustomer(body.purpose, row, finance, shown);
        rows.push({ row, values: view.fields });
        for (const disclosure of these) disclosed.set(disclosure.field, disclosure);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && !truncated);

    const watermark = newId();
    const exportedAt = new Date().toISOString();
    await this.audit.exported(who, {
      watermark,
      rowCount: rows.length,
      fields: [...disclosed.values()],
      filter: Object.fromEntries(
        Object.entries(filter).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
    });
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="custodia-export-${watermark}.csv"`,
    );
    response.setHeader('X-Export-Watermark', watermark);
    response.setHeader('X-Export-Row-Count', String(rows.length));
    if (truncated) response.setHeader('X-Export-Truncated', `row cap ${cap}`);
    const lines = (function* () {
      yield `# custodia export watermark=${watermark} actor=${actor.userId} purpose=${body.purpose} at=${exportedAt}\r\n`;
      yield csvLine(['customerId', 'ownerId', 'team', ...fields]);
      for (const { row, values } of rows) {
        yield csvLine([
          row.customerId,
          row.ownerId,
          row.team,
          ...fields.map((field) => values[field]),
        ]);
      }
    })();
    return new StreamableFile(Readable.from(lines));
  }
}

const forbidden = (slug: string, detail: string): ProblemException =>
  new ProblemException({
    status: 403,
    slug: `access-${slug}`,
    title: 'Forbidden',
    detail,
    code: `ACCESS.${slug.toUpperCase().replace(/-/g, '_')}`,
  });
