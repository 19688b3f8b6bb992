/** What a batch returns for one item: its result, or the error that item alone failed with. */
export type ItemOutcome<O> =
  { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: Error };

type Waiting<I, O> = {
  readonly item: I;
  resolve(value: O): void;
  reject(error: Error): void;
};

export type GroupCommitOptions = {
  /** Most items in one batch; the rest wait for the next. */
  readonly maxBatch?: number;
};

/**
 * Group commit: one batch in flight at a time; every item submitted meanwhile joins the next
 * batch. A lone caller pays one round trip as before; under concurrency N callers share one.
 *
 * `commit` gets the items in submission order and answers one outcome per item, in the same
 * order. If it throws, every item of that batch is rejected with the error; later batches still
 * run.
 */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running = false;
  private readonly maxBatch: number;

  constructor(
    private readonly commit: (items: readonly I[]) => Promise<readonly ItemOutcome<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1_000;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Items waiting for the next batch (not counting the one in flight). */
  get waiting(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.maxBatch);
        this.queue = this.queue.slice(batch.length);
        await this.run(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(batch: readonly Waiting<I, O>[]): Promise<void> {
    let outcomes: readonly ItemOutcome<O>[];
    try {
      outcomes = await this.commit(batch.map((waiting) => waiting.item));
      if (outcomes.length !== batch.length)
        throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiting of batch) waiting.reject(failure);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}
