import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export type SigningKey = {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: CryptoKey;
};

export type JwksServer = {
  readonly url: string;
  /** How many times the JWKS was fetched. */
  readonly fetches: () => number;
  close(): Promise<void>;
};

export const generateSigningKey = async (
  kid: string,
  alg: SigningKey['alg'],
): Promise<SigningKey & { jwk: JWK }> => {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

/** A local identity provider's JWKS endpoint: serves the given public keys at /jwks.json. */
export const startJwksServer = async (keys: readonly JWK[]): Promise<JwksServer> => {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => fetches,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
};
