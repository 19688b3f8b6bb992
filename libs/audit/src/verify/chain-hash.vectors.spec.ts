import { canonicalJson, chainHash, eventDigest, GENESIS_HASH } from '@custodia/event-store';

/**
 * Fixed digests and chain links, computed with the first implementation of `event-hash.ts`:
 * every stored hash was made with it, so a faster implementation must give these bytes exactly
 * (key order by UTF-16 code units, number and string forms, toJSON, dropped undefined, revisions
 * above 2^32).
 */
const vectors = [
  {
    event: {
      streamId: 'Customer-1',
      id: '00000000-0000-4000-8000-000000000001',
      type: 'CustomerRegistered',
      data: {
        customerId: '1',
        name: { $enc: 1, kid: 'k1', iv: 'aXY=', ct: 'Y3Q=' },
        nested: { z: [1, 2.5, -0, 1e21, 1e-7, 'é\u2028"\\\n'], a: null, b: true },
        '': 'empty',
        é: 1,
        Z: 2,
        a: 3,
        '10': 'ten',
        '9': 'nine',
      },
      metadata: { now: '2026-11-30T12:00:00.000Z', actorId: 'u' },
    },
    digest: 'cc358106057801e1e067082d77711ea9a27e7516aa98571ce3ac669d63f14728',
    genesisLink: 'a6b305ec928f2e2ae519041aea2925024555676d39a683f717d43d98d1f0c099',
    farLink: '04b57059412cb8c1b78e3f90f8aa0062cb4204d1112a355bd2abc6b254942f01',
  },
  {
    event: {
      streamId: 'S',
      id: 'e',
      type: 'T',
      data: {
        when: new Date(0),
        skip: undefined,
        list: [undefined, NaN, Infinity, () => 1, { toJSON: () => 'x' }],
      },
      metadata: {},
    },
    digest: '83fa49236f072a9923d7a0b6494cc5a39931ba6f8ad892f71afd46e51410b4d5',
    genesisLink: '9fb4d6cf31c025223879d23ae469ebc1e8956fbd8cb83cd1e5557d3f256adb17',
    farLink: '7662fa70481817eb9242e096b535a3f20af786c926fcb407f8737711be3ba2f5',
  },
  {
    event: {
      streamId: '张',
      id: '\ud83d\ude00',
      type: '\u0001',
      data: { '\ud83d\ude00': '\ud800', ｚ: 'full', z: 'half' },
      metadata: { k: [[], {}, [{}]] },
    },
    digest: '1b5d0abd9fc1c6d7542d1f210738f7ba85778360b7ab59182b4db334ba2e27e9',
    genesisLink: '2e399bd7f43fc65e3cc9cfc79953a6cc284975738a25f95034ea09fac8bce018',
    farLink: '47bf9c3b38e5c9f4b06f5cb98d9b0cb07d4b56f83339e74f4b57dce441fe615d',
  },
];

describe('event hash vectors', () => {
  it.each(vectors.map((vector, index) => [index, vector] as const))(
    'vector %i: the digest and the chain links the first implementation gave',
    (_index, { event, digest, genesisLink, farLink }) => {
      const sut = eventDigest(event);
      expect(sut.toString('hex')).toBe(digest);
      expect(chainHash(GENESIS_HASH, 7, sut).toString('hex')).toBe(genesisLink);
      expect(chainHash(sut, 2 ** 40 + 3, sut).toString('hex')).toBe(farLink);
    },
  );

  it('sorts keys by UTF-16 code units, not code points', () => {
    expect(canonicalJson({ ｚ: 1, '\ud83d\ude00': 2 })).toBe('{"😀":2,"ｚ":1}');
  });

  it('writes a hole in an array as null, as JSON.stringify stores it', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([1, , 3])).toBe(JSON.stringify([1, , 3]));
  });

  it('refuses what the chain cannot encode, as before', () => {
    expect(() => chainHash(GENESIS_HASH, -1, GENESIS_HASH)).toThrow();
    expect(() => chainHash(GENESIS_HASH, 1.5, GENESIS_HASH)).toThrow();
  });
});
