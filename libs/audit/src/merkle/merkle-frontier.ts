import { AuditError } from './audit.errors';
import { EMPTY_ROOT, HASH_BYTES, hashChildren, hashLeaf } from './merkle-hash';

/**
 * A frontier as JSON: the tree size and the roots of its perfect subtrees, left to right (the
 * largest first; one per set bit of `size`), as lowercase hex.
 */
export type MerkleFrontierState = {
  readonly size: number;
  readonly nodes: readonly string[];
};

const HEX_HASH = /^[0-9a-f]{64}$/;

const invalid = (rule: string): AuditError =>
  new AuditError('AUDIT.INVALID_ARGUMENT', `merkle frontier: ${rule}`);

/** Number of set bits of a safe integer (no 32-bit operators: sizes may exceed 2^31). */
const bitCount = (value: number): number => {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
};

/**
 * An append-only Merkle tree that keeps only its right edge: the roots of the perfect subtrees
 * the leaves so far decompose into (at most ⌈log2 n⌉ + 1 hashes). Appending costs O(1) hashes
 * amortised; `root()` folds the edge right to left, which is exactly RFC 6962's MTH (the split
 * at the largest power of two below n leaves a perfect left subtree each time).
 */
export class MerkleFrontier {
  private constructor(
    private count: number,
    private readonly nodes: Buffer[],
  ) {}

  /** An empty tree. */
  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** A frontier over `leaves` (leaf inputs), appended in order. */
  static of(leaves: Iterable<Uint8Array>): MerkleFrontier {
    const frontier = MerkleFrontier.empty();
    for (const leaf of leaves) frontier.append(leaf);
    return frontier;
  }

  /** Resumes from `toJSON()`; refuses anything that is not a well-formed state. */
  static fromJSON(state: unknown): MerkleFrontier {
    if (typeof state !== 'object' || state === null) throw invalid('state must be an object');
    const { size, nodes } = state as { size?: unknown; nodes?: unknown };
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw invalid('size must be a non-negative safe integer');
    if (!Array.isArray(nodes) || nodes.length !== bitCount(size))
      throw invalid('nodes must hold one hash per set bit of size');
    return new MerkleFrontier(
      size,
      nodes.map((node: unknown) => {
        if (typeof node !== 'string' || !HEX_HASH.test(node))
          throw invalid('nodes must be lowercase hex SHA-256 hashes');
        return Buffer.from(node, 'hex');
      }),
    );
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  /** Appends a leaf input (hashed here as SHA-256(0x00 ‖ leaf)). */
  append(leaf: Uint8Array): void {
    this.push(hashLeaf(leaf));
  }

  /** Appends an already computed leaf hash. */
  appendLeafHash(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_BYTES) throw invalid('a leaf hash must be 32 bytes');
    this.push(Buffer.from(leafHash));
  }

  private push(leafHash: Buffer): void {
    if (this.count >= Number.MAX_SAFE_INTEGER) throw invalid('the tree is full');
    let node = leafHash;
    // Each trailing set bit of the old size is a perfect subtree of the new leaf's height: merge.
    for (let rest = this.count; rest % 2 === 1; rest = Math.floor(rest / 2)) {
      const left = this.nodes.pop();
      if (left === undefined) throw invalid('nodes do not match size');
      node = hashChildren(left, node);
    }
    this.nodes.push(node);
    this.count += 1;
  }

  /** The Merkle Tree Hash of the leaves so far (SHA-256("") when empty). */
  root(): Buffer {
    if (this.nodes.length === 0) return Buffer.from(EMPTY_ROOT);
    let root = this.nodes[this.nodes.length - 1];
    for (let index = this.nodes.length - 2; index >= 0; index--)
      root = hashChildren(this.nodes[index], root);
    return Buffer.from(root);
  }

  toJSON(): MerkleFrontierState {
    return { size: this.count, nodes: this.nodes.map((node) => node.toString('hex')) };
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(
      this.count,
      this.nodes.map((node) => Buffer.from(node)),
    );
  }
}
