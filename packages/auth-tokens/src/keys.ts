import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, importPKCS8, importSPKI, type CryptoKey, type JWK } from 'jose';

export const JWT_ALG = 'EdDSA';

export interface KeySource {
  /** PEM of the Ed25519 private key (only the auth subgraph needs it). */
  privateKeyPem?: string | undefined;
  /** PEM of the Ed25519 public key. */
  publicKeyPem?: string | undefined;
  /** PEM block(s) of the public keys JWT_PUBLIC_KEY replaced: their tokens still verify until they expire. */
  previousPublicKeyPem?: string | undefined;
  /** Folder holding a development key pair; created on first start when allowed. */
  keyDir: string;
  /** Create a development key pair in keyDir when none is configured (never in production). */
  generate: boolean;
}

export interface KeyPems {
  privateKeyPem?: string;
  publicKeyPem: string;
  /** Public keys of a rotation's previous key pair(s), oldest last; empty unless configured. */
  previousPublicKeyPems: string[];
}

const PRIVATE_FILE = 'jwt-ed25519.key.pem';
const PUBLIC_FILE = 'jwt-ed25519.pub.pem';

// Environment variables cannot always hold newlines; accept "\n" escapes.
const pem = (value: string) => value.replace(/\\n/g, '\n').trim() + '\n';

/** Every PEM block of a text (the previous keys of a rotation may be several). */
function pemBlocks(text: string | undefined): string[] {
  if (!text) return [];
  return [...pem(text).matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g)].map((m) => `${m[0]}\n`);
}

/** Reads the configured keys, or the development pair in keyDir (creating it if allowed). */
export function resolveKeyPems(source: KeySource): KeyPems {
  const previousPublicKeyPems = pemBlocks(source.previousPublicKeyPem);
  if (source.publicKeyPem) {
    return {
      publicKeyPem: pem(source.publicKeyPem),
      previousPublicKeyPems,
      ...(source.privateKeyPem ? { privateKeyPem: pem(source.privateKeyPem) } : {}),
    };
  }
  const privatePath = path.join(source.keyDir, PRIVATE_FILE);
  const publicPath = path.join(source.keyDir, PUBLIC_FILE);
  try {
    return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8'), previousPublicKeyPems };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!source.generate) {
    throw new Error(`JWT_PUBLIC_KEY is not set and no key pair exists in ${source.keyDir}`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // Only the key folder is private: a recursive mkdir would make its parents (.data/) 0700 too.
  mkdirSync(path.dirname(path.resolve(source.keyDir)), { recursive: true });
  mkdirSync(source.keyDir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: when two processes start at once, the first pair written wins and both read it.
    writeFileSync(privatePath, privateKey, { flag: 'wx', mode: 0o600 });
    writeFileSync(publicPath, publicKey, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return resolveKeyPems({ ...source, generate: false });
}

export const importPrivateKey = (pemText: string): Promise<CryptoKey> => importPKCS8(pemText, JWT_ALG);
export const importPublicKey = (pemText: string): Promise<CryptoKey> => importSPKI(pemText, JWT_ALG);

/**
 * A public key as a JWK for `/.well-known/jwks.json`: its `kid` is the RFC 7638 thumbprint, so
 * it is the same in every process and changes only with the key itself.
 */
export async function publicJwk(pemText: string): Promise<JWK & { kid: string }> {
  const key = await importSPKI(pemText, JWT_ALG, { extractable: true });
  const { kty, crv, x } = await exportJWK(key);
  const jwk = { kty, crv, x } as JWK;
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig', alg: JWT_ALG };
}

/** The key id (`kid`) tokens signed by the private half of this public key carry. */
export async function keyIdOf(pemText: string): Promise<string> {
  return (await publicJwk(pemText)).kid;
}

/** The current public key first, then a rotation's previous ones: what TokenVerifier accepts. */
export const importPublicKeys = (keys: Pick<KeyPems, 'publicKeyPem' | 'previousPublicKeyPems'>): Promise<CryptoKey[]> =>
  Promise.all([keys.publicKeyPem, ...keys.previousPublicKeyPems].map(importPublicKey));
