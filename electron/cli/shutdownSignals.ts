/**
 * The shutdown signals of the long-running commands (`netlens proxy`, `netlens web`): the first
 * one asks for a clean stop (HAR written, engine closed), a second one exits at once.
 */

/** Calls `handler` once on the first shutdown signal; returns the unsubscribe function. */
export function onProcessShutdownSignal(handler: (signal: string) => void): () => void {
  const signals: NodeJS.Signals[] =
    process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      // A second Ctrl-C while the HAR is being written: the user wants out now.
      process.stderr.write(`netlens: ${signal} again, exiting without finishing.\n`);
      process.exit(130);
    }
    received = true;
    handler(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  // The listeners stay until exit so that a second signal is still handled, not fatal by default.
  return () => undefined;
}
