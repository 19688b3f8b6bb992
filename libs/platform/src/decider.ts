/**
 * The shape of every aggregate's rules (after Emmett): pure data and functions. Time and ids
 * arrive inside the command; `decide` throws the context's typed error to refuse.
 */
export type Decider<Command, Event, State> = {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
};

/** Folds a stream's events into the aggregate's state. */
export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());
