import { Readable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import { fieldNames } from '@custodia/consent';
import type { SignedErasureCertificate } from '@custodia/crypto-shredding';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import type { Actor } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import { PrivacyError, type PrivacyRequest, PrivacyRequests } from '@custodia/privacy';
import { Inject } from '@nestjs/common';
import { AccessAudit } from '../access/access-audit.service';
import { csvLine } from '../access/csv';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CustomerStreamRepository } from '../customers/customer-stream.repository';
import { UpdateCustomerDto } from '../customers/customers.dto';
import { ProblemException, RequestValidationException } from '../http/problem-details';
import { PrivacyIdPipe } from '../privacy/privacy-id.pipes';
import {
  type AccessPackage,
  AccessCopy,
  PACKAGE_SECTIONS,
  type PackageSection,
  sectionRows,
} from './access-copy';
import { findCertificate } from './erasure-certificates';
import { ErasureExecutor } from './erasure.executor';

export class ExecuteQueryDto {
  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'Access copies: JSON, or one section as CSV',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ enum: PACKAGE_SECTIONS })
  @IsOptional()
  @IsIn(PACKAGE_SECTIONS)
  section?: PackageSection;
}

/** A correction: the profile fields to amend (a value sets, null removes). */
export class CorrectionDto {
  @ApiPropertyOptional({ type: UpdateCustomerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateCustomerDto)
  changes?: UpdateCustomerDto;
}

type ExecuteResult =
  | { requestId: string; state: 'completed'; certificate: SignedErasureCertificate }
  | { requestId: string; state: 'completed'; corrected: string[] }
  | AccessPackage;

const route = 'POST /v1/privacy-requests/:id/execute';

/** Carrying out a verified privacy request: erasure by crypto-shredding, or the access copy. */
@ApiTags('privacy')
@ApiBearerAuth()
@Roles('dpo')
@Controller('privacy-requests')
export class ErasureController {
  constructor(
    private readonly privacy: PrivacyRequests,
    private readonly erasure: ErasureExecutor,
    private readonly copies: AccessCopy,
    private readonly audit: AccessAudit,
    private readonly customers: CustomerStreamRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/execute')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Execute a verified request: erase (crypto-shredding, signed certificate) or copy',
    description:
      'Erasure appends CustomerErased, destroys the data key, proves it is gone and signs a ' +
      'certificate; a legal hold defers it (409). An access copy returns everything held on ' +
      'the person (JSON, or ?format=csv&section=… per section), recorded as an access.',
  })
  async execute(
    @Param('id', PrivacyIdPipe) id: string,
    @Query() query: ExecuteQueryDto,
    @Body() body: CorrectionDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ExecuteResult | StreamableFile> {
    const request = await this.requestOf(id);
    switch (request.type) {
      case 'erasure': {
        const certificate = await this.erasure.erase(request, actor);
        return { requestId: id, state: 'completed', certificate };
      }
      case 'access': {
        const copy = await this.accessCopy(request, actor);
        if (query.format !== 'csv') return copy;
        const section = query.section ?? 'profile';
        response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader(
          'Content-Disposition',
          `attachment; filename="custodia-access-${id}-${section}.csv"`,
        );
        return new StreamableFile(
          Readable.from(sectionRows(copy, section).map((row) => csvLine(row))),
        );
      }
      case 'correction':
        return this.correct(request, body, actor);
    }
  }

  @Get(':id/certificate')
  @ApiOperation({ summary: 'The signed erasure certificate of an executed erasure request' })
  async certificate(@Param('id', PrivacyIdPipe) id: string): Promise<SignedErasureCertificate> {
    await this.requestOf(id);
    const certificate = await findCertificate(this.store, id);
    if (certificate === undefined) {
      throw new ProblemException({
        status: 404,
        slug: 'privacy-certificate-not-found',
        title: 'Not Found',
        detail: 'id: no certificate: the request is not an executed erasure',
        code: 'PRIVACY.CERTIFICATE_NOT_FOUND',
      });
    }
    return certificate;
  }

  private async requestOf(id: string): Promise<PrivacyRequest> {
    const request = await this.privacy.getRequest(id);
    if (request === undefined) {
      throw new PrivacyError('PRIVACY.REQUEST_NOT_FOUND', 'id: no such privacy request', 'id');
    }
    return request;
  }

  /**
   * Amends the profile as the request asks; the log keeps the old values in the earlier events
   * and the reason in the request's note (sealed under the customer's key). The fields must
   * still be covered by an active purpose, as for any change.
   */
  private async correct(request: PrivacyRequest, body: CorrectionDto, actor: Actor) {
    const changes = Object.fromEntries(
      Object.entries(body.changes ?? {}).filter(([, value]) => value !== undefined),
    );
    const fields = Object.keys(changes);
    if (fields.length === 0) {
      throw new RequestValidationException([
        { field: 'changes', rule: 'name at least one field to correct' },
      ]);
    }
    const metadata = () => ({ actorId: actor.userId, now: this.clock.now().toISOString() });
    if (request.state === 'completed') {
      throw new ProblemException({
        status: 409,
        slug: 'privacy-invalid-transition',
        title: 'Conflict',
        detail: 'state: the correction was made already',
        code: 'PRIVACY.INVALID_TRANSITION',
      });
    }
    await this.privacy.startRequest(request.requestId, metadata());
    await this.customers.executeCustomer(
      {
        type: 'UpdateCustomerProfile',
        data: {
          customerId: request.customerId,
          changes: changes,
          occurredAt: metadata().now,
          actorId: actor.userId,
        },
      },
      // The request's id correlates the amendment with the request (and its sealed reason).
      { ...metadata(), correlationId: request.requestId },
    );
    await this.privacy.completeRequest(
      request.requestId,
      { corrected: fields.join('+') },
      metadata(),
    );
    return { requestId: request.requestId, state: 'completed' as const, corrected: fields };
  }

  /** The copy, recorded as an access to every field before it leaves; then the request completes. */
  private async accessCopy(request: PrivacyRequest, actor: Actor): Promise<AccessPackage> {
    const metadata = () => ({ actorId: actor.userId, now: this.clock.now().toISOString() });
    // A completed request may be fetched again (say, another CSV section).
    if (request.state !== 'completed')
      await this.privacy.startRequest(request.requestId, metadata());
    const copy = await this.copies.build(request.requestId, request.customerId, this.clock.now());
    await this.audit.accessed(
      { actor, purpose: 'privacy_rights', route },
      [request.customerId],
      fieldNames.map((field) => ({ field, view: 'full' as const })),
    );
    if (request.state !== 'completed') {
      await this.privacy.completeRequest(
        request.requestId,
        { followUps: copy.followUps.length, accesses: copy.accesses.length },
        metadata(),
      );
    }
    return copy;
  }
}
