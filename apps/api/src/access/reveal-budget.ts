/** Nest token of the reveal budget (`PostgresRevealBudget`), shared by every API process. */
export const REVEAL_BUDGET = Symbol('REVEAL_BUDGET');
