// The worker's side of a synchronous call from its parent thread (src/guardrails/_sync-worker.ts):
// each message `{ id, argument }` is answered with `{ id, result }` or `{ id, error }` on the port
// the parent gave the worker, and then the parent, which waits on the signal, is woken.
'use strict';
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

/** Serves `fn` (synchronous or asynchronous) to the parent thread, when this is a worker started by SyncWorker; elsewhere does nothing. */
function serveInWorker(fn) {
  if (isMainThread || !workerData || !workerData.port || !workerData.signal) return;
  const { port, signal } = workerData;
  parentPort.on('message', async ({ id, argument }) => {
    let answer;
    try {
      answer = { id, result: await fn(argument) };
    } catch (e) {
      // the error's name and the first line of its message (what failed), not its stack: the caller reports it to a user
      answer = { id, error: (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0] };
    }
    port.postMessage(answer);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}

module.exports = { serveInWorker };
