// The public API of @custodia/crypto-shredding.
export { CryptoShreddingError, type CryptoShreddingErrorCode } from './crypto-shredding.errors';
export { cryptoShreddingMigrations } from './crypto-shredding.migrations';
export {
  EncryptingEventStore,
  type EncryptingEventStoreOptions,
  storedForm,
} from './encrypting-event-store';
export { ERASED, type Envelope, type Erased, isEnvelope, isErased } from './envelope';
export {
  AES_256_GCM,
  decryptField,
  encryptField,
  type FieldBinding,
  type FieldCipher,
} from './field-cipher';
export { InMemoryKeyVault } from './in-memory-key-vault';
export { KEY_VAULT, type KeyDestruction, type KeyVault } from './key-vault';
export {
  type DataKey,
  type MasterKey,
  masterKeyFrom,
  masterKeyId,
  parseMasterKey,
} from './master-key';
export {
  rotateMasterKey,
  type MasterKeyRotation,
  type RotateMasterKeyOptions,
} from './master-key-rotation';
export {
  PERSONAL_DATA_REGISTRY,
  type PersonalDataDeclaration,
  PersonalDataRegistry,
} from './personal-data.registry';
export { PostgresKeyVault, type PostgresKeyVaultOptions } from './postgres-key-vault';
export { type KeyAbsenceEvidence } from './key-vault';
export { SIGNING_KEY_PURPOSE, type SigningKey, signingKeyFrom, signingKeyId } from './signing-key';
export {
  buildErasureCertificate,
  canonicalJson,
  type ErasureCertificate,
  type ErasureCertificateInput,
  type SignedErasureCertificate,
  signErasureCertificate,
  verifyErasureCertificate,
} from './erasure-certificate';
