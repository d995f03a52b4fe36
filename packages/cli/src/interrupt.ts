/** Subscribes to an interrupt (Ctrl-C, `kill`); returns the unsubscribe. Injected so tests can send one. */
export type InterruptSource = (handler: (signal: NodeJS.Signals) => void) => () => void;

/**
 * The first SIGINT/SIGTERM stops the scan gracefully (the report is finished and marked incomplete). The
 * listeners are removed at once, so a second Ctrl-C gets Node's default and ends the process immediately.
 */
export const processInterrupts: InterruptSource = (handler) => {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const stop = () => signals.forEach((signal) => process.removeListener(signal, listener));
  const listener = (signal: NodeJS.Signals) => {
    stop();
    handler(signal);
  };
  signals.forEach((signal) => process.on(signal, listener));
  return stop;
};
