import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  type SignedTreeHead,
  storeLogEntries,
  storeTreeHeads,
  type TreeHeadSigner,
  type VerificationReport,
  verifyLog,
} from '@custodia/audit';
import { type SigningKey, storedForm } from '@custodia/crypto-shredding';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { SIGNING_KEY, TREE_HEAD_SIGNER } from '@custodia/runtime';
import { Roles } from '../auth/auth.decorators';

/** The key a verifier should trust, as PEM and JWK, with its id. */
export type AuditPublicKey = {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  readonly publicKeyPem: string;
  readonly publicKeyJwk: SigningKey['publicKeyJwk'];
};

export type VerifyResponse = VerificationReport & { readonly publicKey: AuditPublicKey };

const publicPart = (key: SigningKey): AuditPublicKey => ({
  keyId: key.keyId,
  algorithm: 'Ed25519',
  publicKeyPem: key.publicKeyPem,
  publicKeyJwk: key.publicKeyJwk,
});

/**
 * Tamper evidence: recompute the whole log's hash chains and signed tree heads, sign a head
 * now, and publish the public key (keep it, and the latest head, outside Custodia: a verifier
 * that trusts what the database says about its own key proves nothing).
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Only `auditor` and `dpo`' })
@Controller('audit')
export class TamperEvidenceController {
  private readonly stored: EventStore;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(TREE_HEAD_SIGNER) private readonly signer: TreeHeadSigner,
    @Inject(SIGNING_KEY) private readonly signingKey: () => Promise<SigningKey>,
  ) {
    this.stored = storedForm(store);
  }

  @Get('verify')
  @Roles('auditor', 'dpo')
  @ApiOperation({
    summary: 'Recompute every hash chain and signed tree head; name the first bad position',
    description:
      'Reads the whole log (as stored: no key is used) and answers 200 either way: `ok` says ' +
      'whether it holds, `failure` names the first bad position, `failures` lists what was ' +
      'found. `npm run cli -- verify` does the same with a progress bar and an exit status.',
  })
  @ApiOkResponse({ description: 'The verification report and the key it trusted' })
  async verify(): Promise<VerifyResponse> {
    const key = await this.signingKey();
    const report = await verifyLog({
      treeHeads: storeTreeHeads(this.stored),
      events: storeLogEntries(this.stored),
      publicKey: key.publicKeyPem,
    });
    return { ...report, publicKey: publicPart(key) };
  }

  @Post('tree-heads')
  @HttpCode(200)
  @Roles('auditor', 'dpo')
  @ApiOperation({
    summary: 'Sign a Merkle tree head over the log now (also done every TREE_HEAD_INTERVAL_MS)',
  })
  @ApiOkResponse({
    description: 'The latest signed head: the new one, or the last if nothing changed',
  })
  async signNow(): Promise<{ readonly treeHead: SignedTreeHead | null }> {
    return { treeHead: (await this.signer.signNow()) ?? null };
  }

  @Get('public-key')
  @Roles('auditor', 'dpo')
  @ApiOperation({ summary: 'The Ed25519 public key of tree heads and erasure certificates' })
  @ApiOkResponse({ description: 'PEM and JWK, with the key id heads and certificates name' })
  async publicKey(): Promise<AuditPublicKey> {
    return publicPart(await this.signingKey());
  }
}
