import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  ScanOptions,
  SubscribeOptions,
  Subscription,
} from '@custodia/event-store';

/** Events opened together by `scanAll`. */
const SCAN_BATCH = 500;
import { newId } from '@custodia/platform';
import { DecryptingSubscription } from './decrypting-subscription';
import {
  hasPersonalValue,
  type IdentifiedEvent,
  isSealed,
  openEvent,
  sealEvent,
  subjectOf,
} from './event-encryption';
import { AES_256_GCM, type FieldCipher } from './field-cipher';
import type { KeyVault } from './key-vault';
import type { PersonalDataRegistry } from './personal-data.registry';

export type EncryptingEventStoreOptions = {
  readonly vault: KeyVault;
  readonly registry: PersonalDataRegistry;
  /** close() also closes the vault (the app's wiring: the store is closed last). */
  readonly ownsVault?: boolean;
  /** AES-256-GCM unless told otherwise; only the benchmark tells otherwise. */
  readonly cipher?: FieldCipher;
};

/**
 * The event store as the application sees it: personal fields of registered event types are
 * sealed on append and opened on every read path; a destroyed key reads as `ERASED`. Events of
 * unregistered types pass through unchanged. Key lookups are batched per call or page.
 */
export class EncryptingEventStore implements EventStore {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly inner: EventStore,
    private readonly options: EncryptingEventStoreOptions,
  ) {
    this.cipher = options.cipher ?? AES_256_GCM;
  }

  get keyVault(): KeyVault {
    return this.options.vault;
  }

  /**
   * The wrapped store: events as stored, personal fields still envelopes. For what must work
   * without keys and over the stored form: the hash-chain verifier and the tree-head signer.
   */
  get stored(): EventStore {
    return this.inner;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    // Ids first: every ciphertext is bound to its event id. Stores lower-case them too.
    const identified: IdentifiedEvent[] = events.map((event) => ({
      ...event,
      id: (event.id ?? newId()).toLowerCase(),
    }));
    const subjects = new Map<IdentifiedEvent, string>();
    for (const event of identified) {
      const declaration = this.options.registry.get(event.type);
      if (declaration && hasPersonalValue(declaration, event)) {
        subjects.set(event, subjectOf(declaration, event));
      }
    }
    if (subjects.size === 0) return this.inner.append(streamId, identified, options);
    const keys = await this.options.vault.keysForEncryption([...new Set(subjects.values())]);
    const sealed = identified.map((event) => {
      const subjectId = subjects.get(event);
      const declaration = this.options.registry.get(event.type);
      const key = subjectId === undefined ? undefined : keys.get(subjectId);
      return declaration && key ? sealEvent(this.cipher, declaration, key, event) : event;
    });
    return this.inner.append(streamId, sealed, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readStream(streamId, options));
  }

  /** The inner scan, opened a batch at a time (one key lookup per batch). */
  async *scanAll(options?: ScanOptions): AsyncGenerator<RecordedEvent> {
    let batch: RecordedEvent[] = [];
    for await (const event of this.inner.scanAll(options)) {
      batch.push(event);
      if (batch.length >= SCAN_BATCH) {
        yield* await this.open(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* await this.open(batch);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.open(await this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    return new DecryptingSubscription(this.inner.subscribeToAll(options), (events) =>
      this.open(events),
    );
  }

  comparePositions(a: Position, b: Position): number {
    return this.inner.comparePositions(a, b);
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      if (this.options.ownsVault === true) await this.options.vault.close();
    }
  }

  /** One vault lookup for the whole batch, then each sealed event opened with its key. */
  private async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = new Map<RecordedEvent, string>();
    for (const event of events) {
      const declaration = this.options.registry.get(event.type);
      if (declaration && isSealed(declaration, event)) {
        subjects.set(event, subjectOf(declaration, event));
      }
    }
    if (subjects.size === 0) return events;
    const keys = await this.options.vault.keysForDecryption([...new Set(subjects.values())]);
    return events.map((event) => {
      const subjectId = subjects.get(event);
      const declaration = this.options.registry.get(event.type);
      if (subjectId === undefined || declaration === undefined) return event;
      return openEvent(this.cipher, declaration, subjectId, keys.get(subjectId), event);
    });
  }
}

/** The store as stored (envelopes): the one under an `EncryptingEventStore`, else itself. */
export const storedForm = (store: EventStore): EventStore =>
  store instanceof EncryptingEventStore ? store.stored : store;
