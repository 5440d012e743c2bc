/** `zeroos check --run`'s instruction budget when none is given (its own file: the CLI's help reads it without loading the checker). */
export const DEFAULT_CHECK_RUN_BUDGET = 100_000_000;
