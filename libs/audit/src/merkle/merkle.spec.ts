import { AuditError } from './audit.errors';
import { MerkleFrontier } from './merkle-frontier';
import { EMPTY_ROOT, hashLeaf, merkleRoot } from './merkle-hash';
import {
  consistencyProof,
  inclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proofs';

/*
 * RFC 6962 test vectors as used by Certificate Transparency implementations, copied from
 * transparency-dev/merkle `proof/verify_test.go` (commit 02194e9afb6c1d95b5381350007963aa70fff472;
 * the same data as google/certificate-transparency `cpp/merkletree/merkle_tree_test.cc` and
 * certificate-transparency-go `merkletree/merkle_verifier_test.go`). Leaves there are arbitrary
 * byte strings; Custodia's leaves are 32-byte event hashes, but the tree does not care.
 * Inclusion vectors give the leaf 1-based, as the source does.
 */
const h = (hex: string): Buffer => Buffer.from(hex, 'hex');

const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(h);

/** ROOTS[n - 1] is the root of the tree of the first n leaves. */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);

const INCLUSION: { leaf: number; size: number; proof: Buffer[] }[] = [
  { leaf: 1, size: 1, proof: [] },
  {
    leaf: 1,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(h),
  },
  {
    leaf: 6,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
  {
    leaf: 3,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'].map(h),
  },
  {
    leaf: 2,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(h),
  },
];

const CONSISTENCY: { size1: number; size2: number; proof: Buffer[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(h),
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(h),
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h),
  },
];

const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const EMPTY_TREE_HASH = h('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

const flipped = (proof: readonly Buffer[], at: number, mask: number): Buffer[] =>
  proof.map((node, index) => {
    const copy = Buffer.from(node);
    if (index === at) copy[0] ^= mask;
    return copy;
  });

describe('RFC 6962 Merkle tree hash', () => {
  it('hashes the empty tree to SHA-256 of no bytes', () => {
    expect(merkleRoot([])).toEqual(EMPTY_TREE_HASH);
    expect(EMPTY_ROOT).toEqual(EMPTY_TREE_HASH);
    expect(MerkleFrontier.empty().root()).toEqual(EMPTY_TREE_HASH);
  });

  it.each(ROOTS.map((root, index) => [index + 1, root] as const))(
    'gives the reference root of the first %i leaves, whole and incrementally',
    (size, root) => {
      expect(merkleRoot(LEAVES.slice(0, size)).toString('hex')).toBe(root.toString('hex'));
      expect(MerkleFrontier.of(LEAVES.slice(0, size)).root().toString('hex')).toBe(
        root.toString('hex'),
      );
    },
  );
});

describe(MerkleFrontier.name, () => {
  it('resumes from its JSON state with the same root and size', () => {
    const sut = MerkleFrontier.of(LEAVES.slice(0, 5));
    const resumed = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(sut)));
    for (const leaf of LEAVES.slice(5)) resumed.append(leaf);
    expect(resumed.size).toBe(8);
    expect(resumed.root()).toEqual(ROOTS[7]);
    expect(sut.size).toBe(5);
    expect(sut.root()).toEqual(ROOTS[4]);
  });

  it('keeps one node per set bit of its size', () => {
    const sut = MerkleFrontier.of(LEAVES.slice(0, 7));
    expect(sut.toJSON().nodes).toHaveLength(3);
    sut.append(LEAVES[7]);
    expect(sut.toJSON().nodes).toEqual([ROOTS[7].toString('hex')]);
  });

  it.each([
    ['not an object', 'frontier'],
    ['a negative size', { size: -1, nodes: [] }],
    ['a fractional size', { size: 1.5, nodes: ['00'.repeat(32)] }],
    ['too few nodes', { size: 3, nodes: ['00'.repeat(32)] }],
    ['too many nodes', { size: 4, nodes: ['00'.repeat(32), '11'.repeat(32)] }],
    ['a short node', { size: 1, nodes: ['00'.repeat(31)] }],
    ['an uppercase node', { size: 1, nodes: ['AB'.repeat(32)] }],
  ])('refuses a state with %s', (_label, state) => {
    expect(() => MerkleFrontier.fromJSON(state)).toThrow(AuditError);
  });
});

describe('inclusion proofs', () => {
  it.each(INCLUSION.map((vector) => [vector.leaf, vector.size, vector] as const))(
    'generates the reference proof for leaf %i of %i',
    (leaf, size, { proof }) => {
      expect(inclusionProof(LEAVES, leaf - 1, size)).toEqual(proof);
    },
  );

  it.each(INCLUSION.map((vector) => [vector.leaf, vector.size, vector] as const))(
    'verifies the reference proof for leaf %i of %i and rejects every corruption of it',
    (leaf, size, { proof }) => {
      const index = leaf - 1;
      const leafHash = hashLeaf(LEAVES[index]);
      const root = ROOTS[size - 1];
      expect(rootFromInclusionProof({ index, treeSize: size, leafHash, proof })).toEqual(root);
      expect(verifyInclusion({ index, treeSize: size, leafHash, proof, root })).toBe(true);

      // The probes of the reference suite (corruptInclusionProof).
      const probes = [
        { index: index - 1 },
        { index: index + 1 },
        { index: index ^ 2 },
        { treeSize: size * 2 },
        { treeSize: Math.floor(size / 2) },
        { leafHash: Buffer.from('WrongLeaf') },
        { root: EMPTY_TREE_HASH },
        { root: SOME_HASH },
        { proof: [...proof, Buffer.alloc(0)] },
        { proof: [...proof, root] },
        { proof: [Buffer.alloc(0), ...proof] },
        { proof: [root, ...proof] },
        ...proof.map((_, at) => ({ proof: flipped(proof, at, 8) })),
        ...(proof.length > 0 ? [{ proof: proof.slice(0, -1) }] : []),
        ...(proof.length > 1 ? [{ proof: [proof[0], SOME_HASH, ...proof.slice(1)] }] : []),
      ];
      for (const probe of probes) {
        expect({
          probe,
          verified: verifyInclusion({ index, treeSize: size, leafHash, proof, root, ...probe }),
        }).toEqual({ probe, verified: false });
      }
    },
  );

  it('verifies a one-leaf tree only against its own leaf hash', () => {
    const leafHash = hashLeaf(Buffer.from('data'));
    const claim = { index: 0, treeSize: 1, proof: [] };
    expect(verifyInclusion({ ...claim, leafHash, root: leafHash })).toBe(true);
    expect(verifyInclusion({ ...claim, leafHash: Buffer.alloc(0), root: leafHash })).toBe(false);
    expect(verifyInclusion({ ...claim, leafHash, root: Buffer.alloc(0) })).toBe(false);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ])('rejects an empty proof for index %i of size %i against wrong hashes', (index, treeSize) => {
    const claim = { index, treeSize, proof: [] };
    expect(verifyInclusion({ ...claim, leafHash: SOME_HASH, root: Buffer.alloc(0) })).toBe(false);
    expect(verifyInclusion({ ...claim, leafHash: Buffer.alloc(0), root: EMPTY_TREE_HASH })).toBe(
      false,
    );
    expect(verifyInclusion({ ...claim, leafHash: SOME_HASH, root: EMPTY_TREE_HASH })).toBe(false);
  });

  it('refuses to generate a proof for a leaf outside the tree', () => {
    expect(() => inclusionProof(LEAVES, 8)).toThrow(AuditError);
    expect(() => inclusionProof(LEAVES, 0, 0)).toThrow(AuditError);
    expect(() => inclusionProof(LEAVES, 0, 9)).toThrow(AuditError);
  });
});

describe('consistency proofs', () => {
  it.each(CONSISTENCY.map((vector) => [vector.size1, vector.size2, vector] as const))(
    'generates the reference proof from %i to %i',
    (size1, size2, { proof }) => {
      expect(consistencyProof(LEAVES, size1, size2)).toEqual(proof);
    },
  );

  it.each(CONSISTENCY.map((vector) => [vector.size1, vector.size2, vector] as const))(
    'verifies the reference proof from %i to %i and rejects every corruption of it',
    (size1, size2, { proof }) => {
      const root1 = ROOTS[size1 - 1];
      const root2 = ROOTS[size2 - 1];
      expect(verifyConsistency({ size1, size2, root1, root2, proof })).toBe(true);
      if (proof.length === 0) return; // As the reference suite: probes for non-trivial proofs.

      // The probes of the reference suite (corruptConsistencyProof).
      const probes = [
        { size1: size1 - 1 },
        { size1: size1 + 1 },
        { size1: size1 ^ 2 },
        { size2: size2 * 2 },
        { size2: Math.floor(size2 / 2) },
        { root1: Buffer.from('WrongRoot') },
        { root2: Buffer.from('WrongRoot') },
        { root1: root2, root2: root1 },
        { proof: [] },
        { proof: [...proof, Buffer.alloc(0)] },
        { proof: [...proof, root1] },
        { proof: [...proof, root2] },
        { proof: [Buffer.alloc(0), ...proof] },
        { proof: [root1, ...proof] },
        { proof: [root2, ...proof] },
        { proof: [proof[0], ...proof] },
        { proof: proof.slice(0, -1) },
        ...proof.map((_, at) => ({ proof: flipped(proof, at, 16) })),
      ];
      for (const probe of probes) {
        expect({
          probe,
          verified: verifyConsistency({ size1, size2, root1, root2, proof, ...probe }),
        }).toEqual({ probe, verified: false });
      }
    },
  );

  const root1 = SOME_HASH;
  const root2 = EMPTY_TREE_HASH;
  it.each([
    ['0 to 0 with different roots', 0, 0, root1, root2, [], false],
    ['1 to 1 with different roots', 1, 1, root1, root2, [], false],
    ['0 to 0 with equal roots', 0, 0, root1, root1, [], true],
    ['0 to 1 (always consistent)', 0, 1, root1, root2, [], true],
    ['1 to 1 with equal roots', 1, 1, root2, root2, [], true],
    ['1 to 0 (time travel)', 1, 0, root1, root2, [], false],
    ['2 to 1 (time travel)', 2, 1, root1, root2, [], false],
    ['1 to 2 with an empty proof', 1, 2, root1, root2, [], false],
    ['0 to 0 with a non-empty proof', 0, 0, root2, root2, [root2], false],
    ['0 to 1 with a non-empty proof', 0, 1, root2, root2, [root2], false],
    ['1 to 1 with a non-empty proof', 1, 1, root2, root2, [root2], false],
  ])('decides the edge case %s', (_label, size1, size2, first, second, proof, expected) => {
    expect(verifyConsistency({ size1, size2, root1: first, root2: second, proof })).toBe(expected);
  });

  it('refuses to generate a proof backwards or beyond the leaves', () => {
    expect(() => consistencyProof(LEAVES, 5, 4)).toThrow(AuditError);
    expect(() => consistencyProof(LEAVES, 1, 9)).toThrow(AuditError);
  });
});
