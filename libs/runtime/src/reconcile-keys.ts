import type { KeyVault } from '@custodia/crypto-shredding';
import type { EventStore, Position } from '@custodia/event-store';

/** Events read per page of the log. */
const DEFAULT_PAGE_SIZE = 500;

export type KeyReconciliation = {
  /** Distinct customers with `CustomerErased` in the log. */
  readonly erasedCustomers: number;
  /** Data keys that were still there (e.g. a restored backup of the key table) and are now gone. */
  readonly keysDestroyed: number;
  /** Erasure records that were missing from the vault and are written again. */
  readonly erasuresRecorded: number;
};

export type ReconcileErasedKeysOptions = {
  /** Any store over the log: `CustomerErased` has no sealed field, so decrypting reads the same. */
  readonly store: Pick<EventStore, 'readAll'>;
  readonly vault: Pick<KeyVault, 'destroyKey'>;
  /** Called after each customer: `done` of `total` erased customers found so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** `CustomerErased` events read per page (default 500). */
  readonly pageSize?: number;
};

/**
 * Backup safety: the log is the truth about erasures. Every customer with `CustomerErased` in
 * the log gets `destroyKey` again (idempotent: deletes a key a restore brought back, re-records
 * a lost erasure, and evicts the key in every process). Reports counts, never a value.
 */
export const reconcileErasedKeys = async ({
  store,
  vault,
  onProgress,
  pageSize = DEFAULT_PAGE_SIZE,
}: ReconcileErasedKeysOptions): Promise<KeyReconciliation> => {
  const customers = new Set<string>();
  let from: Position | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(from === undefined ? {} : { from }),
      maxCount: pageSize,
      filter: { eventTypes: ['CustomerErased'] },
      // Not only what is past the oldest open transaction on the server: one open anywhere
      // (another database on the same server too) must not hide an erasure at boot.
      committed: true,
    });
    if (page.length === 0) break;
    for (const event of page) {
      const { customerId } = event.data as { customerId?: unknown };
      if (typeof customerId === 'string') customers.add(customerId);
    }
    from = page[page.length - 1].position;
  }
  let keysDestroyed = 0;
  let erasuresRecorded = 0;
  let done = 0;
  onProgress?.(0, customers.size);
  for (const customerId of customers) {
    const result = await vault.destroyKey(customerId);
    if (result.keyId !== undefined) keysDestroyed += 1;
    if (!result.alreadyErased) erasuresRecorded += 1;
    done += 1;
    onProgress?.(done, customers.size);
  }
  return { erasedCustomers: customers.size, keysDestroyed, erasuresRecorded };
};
