import type { Position, RecordedEvent } from '@custodia/event-store';
import { assertAscending } from './projection-batch';

const at = (position: string): RecordedEvent => ({
  id: `id-${position}`,
  streamId: 's',
  type: 'T',
  revision: 0,
  position: position as Position,
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});
const compare = (a: Position, b: Position): number => Number(a) - Number(b);
const thrownBy = (fn: () => void): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe(assertAscending.name, () => {
  it('accepts strictly ascending positions after the checkpoint', () => {
    expect(() =>
      assertAscending([at('3'), at('5'), at('9')], '2' as Position, compare),
    ).not.toThrow();
    expect(() => assertAscending([at('1')], undefined, compare)).not.toThrow();
  });

  it('refuses a batch that goes backwards, repeats, or starts at the checkpoint', () => {
    // Plain string order would accept "1000" before "976": the adapter's comparator decides.
    for (const [events, after] of [
      [[at('1000'), at('976')], undefined],
      [[at('3'), at('3')], undefined],
      [[at('2')], '2'],
    ] as const) {
      expect(
        thrownBy(() => assertAscending(events, after as Position | undefined, compare)),
      ).toMatchObject({ code: 'READ_STORE.OUT_OF_ORDER' });
    }
  });
});
