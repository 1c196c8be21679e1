/**
 * A function of a worker thread, called synchronously: the caller posts its
 * argument and blocks (`Atomics.wait`) until the worker has posted the answer
 * on a port of its own and woken it; `receiveMessageOnPort` then takes the
 * answer without the event loop. This is Node's documented pattern for a
 * synchronous call into asynchronous code (secretlint is asynchronous and
 * ESM-only; the guardrails are synchronous). It replaces synckit, which does
 * the same and more (TypeScript and ESM runners for the worker) and cost every
 * synth about 15 ms of start-up to load.
 *
 * The worker side is `serveInWorker(fn)` of workers/serve.cjs (plain JavaScript,
 * shipped as it is): it answers each `{ id, argument }` with `{ id, result }`
 * or `{ id, error }` on the port, then sets the signal and notifies.
 *
 * A worker that stops (its file missing or failing to load, an uncaught error,
 * `process.exit`) says so as it exits, through a hook installed before its
 * file loads (see {@link BOOT}): the waiting call and every later one throw
 * at once with the reason, instead of waiting for the timeout.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** How long one call may wait for the worker before it is an error (a scan of the largest estate takes a few seconds). */
export const CALL_TIMEOUT_MS = 120_000;
/** The wait is cut into slices this long, each followed by a look at the port (an answer is also noticed without the wake-up). */
const SLICE_MS = 1_000;

/** What the worker answers; id 0 is the worker's last word as it stops. */
interface Answer {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/**
 * The worker thread's first code: a hook that, when the thread exits for any
 * reason, posts why (`{ id: 0, error }`: the first line of the error that
 * stopped it, if any) and wakes the caller; then the
 * worker's file. (It runs before the file, so a file that cannot be found or
 * loaded is reported too.)
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
let reason;
process.on('uncaughtExceptionMonitor', (e) => { reason = reason || (e instanceof Error ? e.name + ': ' + e.message : String(e)).split('\\n')[0]; });
process.on('exit', (code) => {
  workerData.port.postMessage({ id: 0, error: 'the worker stopped (exit code ' + code + ')' + (reason ? ': ' + reason : '') });
  Atomics.store(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});
require(workerData.file);
`;

/** One worker thread, started at construction (it loads while the caller goes on), and its function, called synchronously. */
export class SyncWorker<A, R> {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private calls = 0;
  /** Why the worker stopped, once it has. */
  private stopped?: string;

  constructor(
    private readonly file: string,
    private readonly timeoutMs = CALL_TIMEOUT_MS,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // not the caller's execArgv (a worker inherits them): under `-r ts-node/register` (a cdk8s app run through ts-node,
    // the benchmark) the worker would load TypeScript too, about 50 MB and a third of a second for nothing
    this.worker = new Worker(BOOT, { eval: true, workerData: { file, port: port2, signal: this.signal }, transferList: [port2], execArgv: [] });
    // its error is what it said as it stopped, thrown by the call; unheard, the event would end the process later
    this.worker.on('error', () => undefined);
    // a process ends when its work is done, whether or not the worker is still loading or waiting
    this.worker.unref();
    this.port.unref();
  }

  /** Stops the worker (its thread and heap are given back as it ends); every later call throws. */
  public stop(): void {
    this.stopped ??= 'the worker was stopped by its owner';
    void this.worker.terminate();
  }

  /** The worker's function applied to `argument`; throws the worker's error, when it has stopped, or when no answer comes in time. */
  public call(argument: A): R {
    if (this.stopped !== undefined) throw new Error(`${this.file}: ${this.stopped}`);
    const id = ++this.calls;
    this.worker.postMessage({ id, argument });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message) {
        const answer = message.message as Answer;
        if (answer.id === 0) {
          this.stopped = answer.error;
          throw new Error(`${this.file}: ${answer.error}`);
        }
        if (answer.id !== id) continue; // an answer to an earlier call that timed out
        if (answer.error !== undefined) throw new Error(`${this.file}: ${answer.error}`);
        return answer.result as R;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.file}: no answer within ${this.timeoutMs / 1000} s (call ${id})`);
      // woken for an answer already taken (a late one of an earlier call): clear, and look at the port again before sleeping
      if (Atomics.compareExchange(this.signal, 0, 1, 0) === 1) continue;
      Atomics.wait(this.signal, 0, 0, Math.min(left, SLICE_MS));
    }
  }
}
