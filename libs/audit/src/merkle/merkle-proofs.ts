import { AuditError } from './audit.errors';
import { HASH_BYTES, hashChildren, hashLeaf, splitPoint, subtreeHash } from './merkle-hash';

/**
 * Proofs over an RFC 6962 tree. Generation follows RFC 6962 §2.1.1 (PATH) and §2.1.2 (PROOF /
 * SUBPROOF) over the leaves in memory; verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and
 * needs only hashes and sizes. Verifiers never throw: anything malformed is `false`.
 */

const invalid = (rule: string): AuditError =>
  new AuditError('AUDIT.INVALID_ARGUMENT', `merkle proof: ${rule}`);

const isSize = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

const isHash = (value: unknown): value is Uint8Array =>
  value instanceof Uint8Array && value.length === HASH_BYTES;

const odd = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

const leafHashesOf = (leaves: readonly Uint8Array[], treeSize: number): Buffer[] => {
  if (!isSize(treeSize) || treeSize > leaves.length)
    throw invalid(`tree size must be between 0 and the ${leaves.length} leaves given`);
  return leaves.slice(0, treeSize).map(hashLeaf);
};

/** PATH(m, D[start:end]) of RFC 6962 §2.1.1, leaf to root. */
const path = (hashes: readonly Buffer[], m: number, start: number, end: number): Buffer[] => {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...path(hashes, m, start, start + k), subtreeHash(hashes, start + k, end)]
    : [...path(hashes, m - k, start + k, end), subtreeHash(hashes, start, start + k)];
};

/**
 * The audit path of leaf `index` in the tree of the first `treeSize` leaves (leaf inputs):
 * sibling hashes from the leaf up.
 */
export const inclusionProof = (
  leaves: readonly Uint8Array[],
  index: number,
  treeSize: number = leaves.length,
): Buffer[] => {
  const hashes = leafHashesOf(leaves, treeSize);
  if (!isSize(index) || index >= treeSize) throw invalid('index must be below the tree size');
  return path(hashes, index, 0, treeSize);
};

/** SUBPROOF(m, D[start:end], b) of RFC 6962 §2.1.2. */
const subproof = (
  hashes: readonly Buffer[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
): Buffer[] => {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeHash(hashes, start, end)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(hashes, m, start, start + k, complete), subtreeHash(hashes, start + k, end)]
    : [...subproof(hashes, m - k, start + k, end, false), subtreeHash(hashes, start, start + k)];
};

/**
 * The consistency proof that the tree of the first `size1` leaves is a prefix of the tree of
 * the first `size2` (empty when size1 is 0 or equals size2).
 */
export const consistencyProof = (
  leaves: readonly Uint8Array[],
  size1: number,
  size2: number = leaves.length,
): Buffer[] => {
  const hashes = leafHashesOf(leaves, size2);
  if (!isSize(size1) || size1 > size2) throw invalid('size1 must be between 0 and size2');
  if (size1 === 0 || size1 === size2) return [];
  return subproof(hashes, size1, 0, size2, true);
};

export type InclusionClaim = {
  /** 0-based index of the leaf. */
  readonly index: number;
  readonly treeSize: number;
  /** `hashLeaf(leaf)`, not the leaf input. */
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
};

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1–5), or undefined when the
 * proof cannot belong to a tree of that size.
 */
export const rootFromInclusionProof = (claim: InclusionClaim): Buffer | undefined => {
  const { index, treeSize, leafHash, proof } = claim;
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return undefined;
  if (!isHash(leafHash) || !Array.isArray(proof) || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
};

/** True when `proof` shows the leaf at `index` is in the tree of `treeSize` with `root`. */
export const verifyInclusion = (claim: InclusionClaim & { readonly root: Uint8Array }): boolean => {
  try {
    const computed = rootFromInclusionProof(claim);
    return computed !== undefined && isHash(claim.root) && computed.equals(claim.root);
  } catch {
    return false;
  }
};

export type ConsistencyClaim = {
  readonly size1: number;
  readonly size2: number;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
};

/**
 * True when `proof` shows the tree of `size1` with `root1` is a prefix of the tree of `size2`
 * with `root2` (RFC 9162 §2.1.4.2; sizes 0 and equal sizes need an empty proof, and equal
 * sizes equal roots).
 */
export const verifyConsistency = (claim: ConsistencyClaim): boolean => {
  try {
    const { size1, size2, root1, root2, proof } = claim;
    if (!isSize(size1) || !isSize(size2) || size1 > size2) return false;
    if (!isHash(root1) || !isHash(root2) || !Array.isArray(proof) || !proof.every(isHash))
      return false;
    if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(root2);
    if (size1 === 0) return proof.length === 0;
    if (proof.length === 0) return false;

    // Step 2: when size1 is a power of two, its root is itself the first node of the path.
    const path = splitPoint(size1 + 1) === size1 ? [root1, ...proof] : [...proof];
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr: Buffer = Buffer.from(path[0]);
    let sr: Buffer = Buffer.from(path[0]);
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        fr = hashChildren(c, fr);
        sr = hashChildren(c, sr);
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      } else {
        sr = hashChildren(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && fr.equals(root1) && sr.equals(root2);
  } catch {
    return false;
  }
};
