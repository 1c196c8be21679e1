/**
 * secretlint over the strings of the output: its recommended rule preset
 * (known token formats, private keys, credentials in URLs and connection
 * strings), run in a worker thread (secretlint is asynchronous and ESM-only,
 * the checks are synchronous) over one text that holds one string a line.
 *
 * The output repeats most of its strings (labels, images, probes, the same
 * commands in every pod), so each distinct string is scanned once and what
 * secretlint finds in it stands for every place that holds it. That is exact
 * whenever no finding can reach from one line of the text into another: then
 * secretlint finds in a line the same, whatever lines surround it. Only a few
 * rules of the preset can (see {@link mayReachAcrossLines}); when some string
 * could start such a finding, every string is scanned in its place, in order,
 * as one text, as it always was.
 */
import { join } from 'node:path';
import { TiersError } from '../_errors';
import { SyncWorker } from './_sync-worker';

/** The worker that runs secretlint (shipped as plain JavaScript next to lib/ and src/). */
export const SECRETLINT_WORKER = join(__dirname, '..', '..', 'workers', 'secretlint.cjs');

/** What secretlint reports first in one string: the rule and its message id (never the secret). */
export interface SecretHit {
  readonly ruleId: string;
  readonly messageId: string;
}

/** One finding of the worker: where in the scanned text it starts, and which rule saw what. */
export interface WorkerHit extends SecretHit {
  readonly start: number;
}

/** The one secretlint worker of the process, started by {@link startSecretScanner} or on first use. */
let scanner: SyncWorker<string, WorkerHit[]> | undefined;

/** Starts the secretlint worker (it loads secretlint meanwhile); later calls do nothing. */
export function startSecretScanner(): void {
  scanner ??= new SyncWorker(SECRETLINT_WORKER);
}

/**
 * Stops the secretlint worker, if one runs: its thread holds about 20 MB (an isolate with secretlint loaded), which a
 * synth's writes need none of; the next scan starts another.
 */
export function stopSecretScanner(): void {
  scanner?.stop();
  scanner = undefined;
}

/** Whether the secretlint worker runs (started and not stopped). */
export function secretScannerRunning(): boolean {
  return scanner !== undefined;
}

/** The process's secretlint worker, started if it was not. */
function secretScanner(): SyncWorker<string, WorkerHit[]> {
  startSecretScanner();
  return scanner!;
}

/** What `worker` finds in `text`; a worker that fails (secretlint missing or broken) is the library's error, with what to do. */
function scan(worker: SyncWorker<string, WorkerHit[]>, text: string): WorkerHit[] {
  try {
    return worker.call(text);
  } catch (e) {
    throw new TiersError([
      `the secret scan of the output could not run: ${(e as Error).message}. ` +
        'Fix: install the dependencies again (npm ci), so that @secretlint/core and @secretlint/secretlint-rule-preset-recommend are complete; if it persists, report it with this message',
    ]);
  }
}

/**
 * Texts that may start a finding of the preset (secretlint-rule-preset-recommend
 * 13.0.7) that goes on past the end of their line, or that change what is
 * found in other lines. Each rule of the preset matches one regular expression
 * in the text; all but these match no line break, and look at most one
 * character before and after a match (a line break and the end of the text
 * look alike to them):
 *
 * - privatekey: a PEM block (`-----BEGIN ... PRIVATE KEY-----`, body, END) spans lines;
 * - aws, AWSSecretAccessKey: `...KEY` then `\s*(:|=>|=)\s*`, where `\s` is also
 *   a line break: the line ends in KEY followed only by quotes, spaces, `:`, `=`, `>`;
 * - aws, AWSAccountID: the same after `ACCOUNT`, `_` and `ID`.
 *
 * (npm's rules for package.json and .npmrc and gcp's for .json and .p12 files
 * do not run: the text is scanned as `manifests.txt`; nor does filter-comments,
 * left out by the worker: a `secretlint-disable` comment in the output must not
 * silence the scan of the strings after it.)
 *
 * test/guardrails-secrets.test.ts pins the preset's version and rules and
 * compares both ways of scanning over texts that straddle lines.
 */
const REACHES_ACROSS_LINES = [/-----BEGIN/, /(?:KEY|key|Key)[\s"':=>]*$/, /(?:ACCOUNT|account|Account)[_IDid\s"':=>]*$/];

/** Whether a finding of the preset could start in `text` and reach into the next line. */
export function mayReachAcrossLines(text: string): boolean {
  for (const re of REACHES_ACROSS_LINES) if (re.test(text)) return true;
  return false;
}

/**
 * secretlint over `texts` joined into one text, one string a line: the first
 * finding that starts in each string, by index (strings without one are left out).
 * `worker` runs it (default: the process's secretlint worker).
 */
export function scanLines(texts: readonly string[], worker?: SyncWorker<string, WorkerHit[]>): Map<number, SecretHit> {
  const found = new Map<number, SecretHit>();
  if (!texts.length) return found;
  const starts = new Array<number>(texts.length);
  let offset = 0;
  for (let i = 0; i < texts.length; i++) {
    starts[i] = offset;
    offset += texts[i].length + 1;
  }
  // messages come sorted by where they start
  for (const hit of scan(worker ?? secretScanner(), texts.join('\n'))) {
    // the string that holds the start of the hit: the last one starting at or before it
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= hit.start) lo = mid;
      else hi = mid - 1;
    }
    if (!found.has(lo)) found.set(lo, { ruleId: hit.ruleId, messageId: hit.messageId });
  }
  return found;
}

/** What secretlint found in the strings of the output. */
export interface SecretHits {
  /** How many strings hold a finding (a string held in several places counts once, unless all were scanned in order). */
  readonly size: number;
  /** The first finding in `text`, the string at `index` of the scanned strings. */
  at(text: string, index: number): SecretHit | undefined;
}

/**
 * What secretlint finds in the strings of the output: `distinct` holds each
 * once, `inOrder` gives all of them in order (read only when needed). Each
 * distinct string is scanned once, unless one of them may start a finding
 * across lines: then all are scanned in order.
 */
export function scanStrings(distinct: ReadonlySet<string>, inOrder: () => readonly string[]): SecretHits {
  const texts = [...distinct];
  if (texts.some(mayReachAcrossLines)) {
    const byIndex = scanLines(inOrder());
    return { size: byIndex.size, at: (_text, index) => byIndex.get(index) };
  }
  const byText = new Map<string, SecretHit>();
  for (const [i, hit] of scanLines(texts)) byText.set(texts[i], hit);
  return { size: byText.size, at: (text) => byText.get(text) };
}
