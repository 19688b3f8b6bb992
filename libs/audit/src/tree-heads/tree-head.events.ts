import type { MerkleFrontierState } from '../merkle/merkle-frontier';
import type { SignedTreeHead } from './tree-head';

/** Every signed head goes to this one stream: its revisions are the head sequence. */
export const TREE_HEADS_STREAM = 'TreeHeads';
export const TREE_HEAD_SIGNED = 'TreeHeadSigned';
/** Not a valid user id, so never mistaken for a person. */
export const TREE_HEAD_SIGNER_ACTOR_ID = '$tree-head-signer';

/**
 * The `TreeHeadSigned` event's data: the signed head, plus the frontier (the right edge of the
 * tree at `head.treeSize`) so the next signer resumes from it instead of replaying the log. The
 * frontier is not signed: a signer trusts it only when its root equals the signed `rootHash`
 * (finding other nodes with that root means breaking SHA-256), and a verifier ignores it.
 */
export type TreeHeadSignedData = SignedTreeHead & { readonly frontier: MerkleFrontierState };
