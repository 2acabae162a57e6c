// A person's data, sealed per case (ADR 0014): envelope encryption with AES-256-GCM, a master keyring, and
// the vault in PostgreSQL that keeps only ciphertext and destroys a case's key on erasure.
export { DATA_KEY_BYTES, SealBrokenError, newDataKey, open, openJson, seal, sealJson } from './envelope.js';
export {
  KEYRING_FILE,
  LocalKeyring,
  UnknownMasterKeyError,
  ensureLocalKeyring,
  rotateLocalKeyring,
  type MasterKeyring,
  type WrappedKey,
} from './keyring.js';
export {
  PersonErasedError,
  PersonVault,
  UnknownNoteError,
  VersionConflictError,
  type Actor,
  type Erasure,
  type Transaction,
  type VaultNote,
  type VaultRecord,
} from './person-vault.js';
export {
  PAYLOAD_KEYS_FILE,
  PayloadKeyring,
  UnknownPayloadKeyError,
  type PayloadKeys,
  rotatePayloadKeys,
} from './payload-keyring.js';
