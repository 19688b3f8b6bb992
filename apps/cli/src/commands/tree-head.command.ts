import { Inject, Optional } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import type { TreeHeadSigner } from '@custodia/audit';
import type { SigningKey } from '@custodia/crypto-shredding';
import { SIGNING_KEY, TREE_HEAD_SIGNER } from '@custodia/runtime';
import { CliError } from '../cli.errors';

/** `sign-tree-head`: signs a Merkle tree head over the log now and prints it (JSON). */
@Command({ name: 'sign-tree-head', description: 'Sign a Merkle tree head over the log now' })
export class SignTreeHeadCommand extends CommandRunner {
  constructor(
    @Optional() @Inject(TREE_HEAD_SIGNER) private readonly signer: TreeHeadSigner | undefined,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (this.signer === undefined) throw new CliError('no event store: is the database reachable?');
    const head = await this.signer.signNow();
    if (head === undefined) throw new CliError('the log is empty: there is nothing to sign');
    process.stdout.write(`${JSON.stringify(head)}\n`);
  }
}

/** `audit-public-key`: prints the PEM public key that tree heads and certificates verify with. */
@Command({
  name: 'audit-public-key',
  description: 'Print the Ed25519 public key (PEM) of tree heads and erasure certificates',
})
export class AuditPublicKeyCommand extends CommandRunner {
  constructor(
    @Optional()
    @Inject(SIGNING_KEY)
    private readonly signingKey: (() => Promise<SigningKey>) | undefined,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (this.signingKey === undefined)
      throw new CliError('the key vault is not available: is CUSTODIA_MASTER_KEY set?');
    process.stdout.write((await this.signingKey()).publicKeyPem);
  }
}
