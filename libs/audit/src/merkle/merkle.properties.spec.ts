import fc from 'fast-check';
import { MerkleFrontier } from './merkle-frontier';
import { hashLeaf, merkleRoot } from './merkle-hash';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proofs';

/** Custodia's leaves: 32-byte event hashes. */
const leaves = (min: number, max: number) =>
  fc.array(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes)),
    { minLength: min, maxLength: max },
  );

/** A copy of `proof` with one bit of one byte of one node flipped. */
const flip = (proof: readonly Buffer[], node: number, byte: number, bit: number): Buffer[] =>
  proof.map((hash, index) => {
    const copy = Buffer.from(hash);
    if (index === node % proof.length) copy[byte % copy.length] ^= 1 << (bit % 8);
    return copy;
  });

describe('Merkle tree properties', () => {
  it('the frontier root equals merkleRoot after every append, also when resumed from JSON', () => {
    fc.assert(
      fc.property(leaves(0, 70), fc.nat(), (input, cut) => {
        const split = input.length === 0 ? 0 : cut % (input.length + 1);
        const first = MerkleFrontier.of(input.slice(0, split));
        expect(first.root()).toEqual(merkleRoot(input.slice(0, split)));
        const sut = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
        input.slice(split).forEach((leaf, offset) => {
          sut.append(leaf);
          expect(sut.size).toBe(split + offset + 1);
          expect(sut.root()).toEqual(merkleRoot(input.slice(0, split + offset + 1)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('every inclusion proof verifies, and fails once any byte of it is flipped', () => {
    fc.assert(
      fc.property(
        leaves(1, 70),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(7),
        (input, at, node, byte, bit) => {
          const index = at % input.length;
          const root = merkleRoot(input);
          const leafHash = hashLeaf(input[index]);
          const proof = inclusionProof(input, index);
          const claim = { index, treeSize: input.length, leafHash, root };
          expect(verifyInclusion({ ...claim, proof })).toBe(true);
          if (proof.length > 0)
            expect(verifyInclusion({ ...claim, proof: flip(proof, node, byte, bit) })).toBe(false);
          const wrongLeaf = Buffer.from(leafHash);
          wrongLeaf[byte % 32] ^= 1 << bit;
          expect(verifyInclusion({ ...claim, proof, leafHash: wrongLeaf })).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('every consistency proof verifies, and fails once any byte of it is flipped', () => {
    fc.assert(
      fc.property(
        leaves(1, 70),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(7),
        (input, cut, node, byte, bit) => {
          const size2 = input.length;
          const size1 = 1 + (cut % size2);
          const root1 = merkleRoot(input.slice(0, size1));
          const root2 = merkleRoot(input);
          const proof = consistencyProof(input, size1, size2);
          const claim = { size1, size2, root1, root2 };
          expect(verifyConsistency({ ...claim, proof })).toBe(true);
          if (proof.length > 0)
            expect(verifyConsistency({ ...claim, proof: flip(proof, node, byte, bit) })).toBe(
              false,
            );
          const otherRoot = Buffer.from(root1);
          otherRoot[byte % 32] ^= 1 << bit;
          expect(verifyConsistency({ ...claim, proof, root1: otherRoot })).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a consistency proof from an earlier frontier matches the frontier grown from it', () => {
    fc.assert(
      fc.property(leaves(2, 70), fc.nat(), (input, cut) => {
        const size1 = 1 + (cut % (input.length - 1));
        const earlier = MerkleFrontier.of(input.slice(0, size1));
        const later = earlier.clone();
        input.slice(size1).forEach((leaf) => later.append(leaf));
        expect(earlier.size).toBe(size1);
        expect(
          verifyConsistency({
            size1,
            size2: later.size,
            root1: earlier.root(),
            root2: later.root(),
            proof: consistencyProof(input, size1),
          }),
        ).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
