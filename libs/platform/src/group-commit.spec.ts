import { GroupCommit, type ItemOutcome } from './group-commit';

type Deferred = { resolve(): void; promise: Promise<void> };
const deferred = (): Deferred => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { resolve, promise };
};

describe(GroupCommit.name, () => {
  it('sends a lone item at once, and items arriving meanwhile together in the next batch', async () => {
    const batches: number[][] = [];
    const gates: Deferred[] = [];
    const sut = new GroupCommit<number, string>(async (items) => {
      batches.push([...items]);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      return items.map((item): ItemOutcome<string> => ({ ok: true, value: `#${item}` }));
    });

    const first = sut.submit(1);
    const later = [sut.submit(2), sut.submit(3), sut.submit(4)];
    expect(batches).toEqual([[1]]);
    expect(sut.waiting).toBe(3);
    gates[0].resolve();
    await expect(first).resolves.toBe('#1');
    await Promise.resolve(); // the next batch starts
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates[1].resolve();
    await expect(Promise.all(later)).resolves.toEqual(['#2', '#3', '#4']);
  });

  it('fails only the items whose outcome is an error', async () => {
    const sut = new GroupCommit<number, number>((items) =>
      Promise.resolve(
        items.map((item) =>
          item % 2 === 0
            ? { ok: true, value: item * 10 }
            : { ok: false, error: new Error(`odd ${item}`) },
        ),
      ),
    );
    const results = await Promise.allSettled([sut.submit(2), sut.submit(3), sut.submit(4)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: new Error('odd 3') },
      { status: 'fulfilled', value: 40 },
    ]);
  });

  it('rejects a whole batch when the commit throws, and keeps serving later ones', async () => {
    let calls = 0;
    const sut = new GroupCommit<string, string>((items) => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error('connection lost'));
      return Promise.resolve(items.map((item) => ({ ok: true, value: item })));
    });
    await expect(sut.submit('a')).rejects.toThrow('connection lost');
    await expect(sut.submit('b')).resolves.toBe('b');
  });

  it('refuses a commit that answers for the wrong number of items', async () => {
    const sut = new GroupCommit<string, string>(() => Promise.resolve([]));
    await expect(sut.submit('a')).rejects.toThrow('0 outcomes for 1 items');
  });

  it('caps a batch at maxBatch', async () => {
    const sizes: number[] = [];
    const sut = new GroupCommit<number, number>(
      (items) => {
        sizes.push(items.length);
        return Promise.resolve(items.map((value) => ({ ok: true, value })));
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((item) => sut.submit(item)));
    expect(sizes).toEqual([1, 2, 2]);
  });
});
