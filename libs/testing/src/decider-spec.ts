import { type Decider, fold } from '@custodia/platform';

/**
 * given([...events]).when(command).then([...events]) or .thenThrows(code): tests assert the
 * events a decider emits (or the error code it refuses with), never its internal state.
 */
export const deciderSpec = <Command, Event, State>(decider: Decider<Command, Event, State>) => ({
  given: (history: readonly Event[]) => ({
    when: (command: Command) => {
      const run = (): Event[] => decider.decide(command, fold(decider, history));
      return {
        then: (expected: readonly Event[]): void => {
          expect(run()).toEqual(expected);
        },
        thenThrows: (code: string): void => {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(Error);
          expect((thrown as { code?: unknown }).code).toBe(code);
        },
      };
    },
  }),
});
