import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError, oneLine } from '../util/errors.js';

/** Signing and checking manifest.json (`report --sign-key`, `verify-report --public-key`): node:crypto only. */

export type SignatureAlgorithm = 'Ed25519' | 'RSA-SHA256';

/** A private key to sign manifests with (`--sign-key`). */
export interface SignKey {
  key: KeyObject;
  algorithm: SignatureAlgorithm;
  /** SHA-256 (hex) of the public key's DER (SubjectPublicKeyInfo). */
  fingerprint: string;
}

/** The algorithm a key signs with: Ed25519, or RSA with SHA-256 (PKCS#1 v1.5); any other key is refused. */
export function algorithmOf(key: KeyObject, what: string): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'rsa') return 'RSA-SHA256';
  throw new UsageError(`${what} is a ${key.asymmetricKeyType ?? 'symmetric'} key: configtrail signs and verifies with Ed25519 or RSA keys`);
}

/** SHA-256 (hex) of a public key's DER SubjectPublicKeyInfo: the key's fingerprint in manifests. */
export function fingerprintOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** `--sign-key FILE`: a PEM private key, Ed25519 or RSA, unencrypted. Its mistakes are usage errors, found before any input is read. */
export function loadSignKey(file: string): SignKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE') throw new UsageError(`--sign-key ${file}: the key is encrypted; give an unencrypted PEM private key (e.g. openssl pkey -in key.pem -out plain.pem)`);
    throw new UsageError(`--sign-key ${file}: not a PEM private key (${oneLine(err, 200)})`);
  }
  return { key, algorithm: algorithmOf(key, `--sign-key ${file}`), fingerprint: fingerprintOf(key) };
}

/** A detached signature of `bytes` (Ed25519, or RSA PKCS#1 v1.5 over SHA-256). */
export function signBytes(bytes: Buffer, key: SignKey): Buffer {
  return sign(key.algorithm === 'Ed25519' ? null : 'sha256', bytes, key.key);
}


/** `--public-key FILE`: a PEM public key (or the private key, whose public half is taken), Ed25519 or RSA. */
export function loadVerifyKey(file: string): { key: KeyObject; algorithm: SignatureAlgorithm; fingerprint: string } {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (err) {
    throw new UsageError(`--public-key ${file}: not a PEM public key (${oneLine(err, 200)})`);
  }
  return { key, algorithm: algorithmOf(key, `--public-key ${file}`), fingerprint: fingerprintOf(key) };
}

/** Whether `signature` is `key`'s signature of `bytes`; false (never a throw) for a malformed one. */
export function verifyBytes(bytes: Buffer, signature: Buffer, key: { key: KeyObject; algorithm: SignatureAlgorithm }): boolean {
  try {
    return verify(key.algorithm === 'Ed25519' ? null : 'sha256', bytes, key.key, signature);
  } catch {
    return false;
  }
}
