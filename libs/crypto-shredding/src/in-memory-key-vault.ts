import { newId } from '@custodia/platform';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { ERASED, type Erased } from './envelope';
import {
  type KeyAbsenceEvidence,
  keyAbsenceEvidence,
  type KeyDestruction,
  type KeyVault,
} from './key-vault';
import { type DataKey, generateDataKey } from './master-key';

/** The vault in process memory, for unit tests of code that appends through the encrypting store. */
export class InMemoryKeyVault implements KeyVault {
  private readonly keys = new Map<string, DataKey>();
  private readonly erasures = new Map<string, Date>();
  private readonly erasedKeyIds = new Map<string, string | null>();
  /** Lookups made, so tests can check that a page costs one. */
  lookups = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  keysForEncryption(subjectIds: readonly string[]): Promise<ReadonlyMap<string, DataKey>> {
    this.lookups++;
    const result = new Map<string, DataKey>();
    for (const subjectId of subjectIds) {
      if (this.erasures.has(subjectId))
        return Promise.reject(
          new CryptoShreddingError('CRYPTO.SUBJECT_ERASED', 'the data subject was erased'),
        );
      const key = this.keys.get(subjectId) ?? generateDataKey(subjectId, newId());
      this.keys.set(subjectId, key);
      result.set(subjectId, key);
    }
    return Promise.resolve(result);
  }

  keysForDecryption(subjectIds: readonly string[]): Promise<ReadonlyMap<string, DataKey | Erased>> {
    this.lookups++;
    const result = new Map<string, DataKey | Erased>();
    for (const subjectId of subjectIds) {
      const key = this.erasures.has(subjectId) ? ERASED : this.keys.get(subjectId);
      if (key !== undefined) result.set(subjectId, key);
    }
    return Promise.resolve(result);
  }

  destroyKey(subjectId: string): Promise<KeyDestruction> {
    const before = this.erasures.get(subjectId);
    const erasedAt = before ?? this.now();
    const keyId = this.keys.get(subjectId)?.id;
    this.keys.delete(subjectId);
    this.erasures.set(subjectId, erasedAt);
    if (before === undefined) this.erasedKeyIds.set(subjectId, keyId ?? null);
    return Promise.resolve({ subjectId, keyId, erasedAt, alreadyErased: before !== undefined });
  }

  keyAbsenceEvidence(subjectId: string): Promise<KeyAbsenceEvidence> {
    return Promise.resolve().then(() =>
      keyAbsenceEvidence({
        subjectId,
        keyId: this.erasedKeyIds.get(subjectId) ?? null,
        checkedAt: this.now(),
        dataKeyRows: this.keys.has(subjectId) ? 1 : 0,
        erasureRecordedAt: this.erasures.get(subjectId),
      }),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
