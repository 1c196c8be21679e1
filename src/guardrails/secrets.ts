/**
 * Literal secrets in the output, wherever a string reaches it: env values,
 * command and args, config files and other ConfigMap data, annotations and
 * labels. Three ways to see one, each reporting the place, never the value:
 *
 * - secretlint's recommended rule preset (known token formats, private keys,
 *   credentials in URLs and connection strings), run over every string;
 * - the library's name rule (`looksSecret`: password, pass, pwd, secret,
 *   token, auth, api key, private key, credential ...) on env names,
 *   ConfigMap keys, annotation and label keys, and `--flag value` pairs;
 * - assignments in text (`password=...`, `--token=...`, `secret: ...`).
 */
import { join } from 'node:path';
import { createSyncFn } from 'synckit';
import { show } from '../_errors';
import { looksSecret } from '../_rules';
import { check, Check, CheckContext } from './check';
import { GuardrailArea } from './findings';
import { isObject, JsonObject, list, obj, objects } from '../_json';
import { containersOf } from './manifests';

/** The worker that runs secretlint (shipped as plain JavaScript next to lib/ and src/). */
export const SECRETLINT_WORKER = join(__dirname, '..', '..', 'workers', 'secretlint.cjs');

/** One finding of secretlint: where in the scanned text it starts, and which rule saw what. */
interface ScanHit {
  readonly start: number;
  readonly ruleId: string;
  readonly messageId: string;
}

/** The one secretlint worker of the process, started by {@link startSecretScanner} or on first use. */
let scanSync: ((content: string) => ScanHit[]) | undefined;

/** Starts the secretlint worker (it loads secretlint meanwhile); later calls do nothing. */
export function startSecretScanner(): void {
  scanSync ??= createSyncFn(SECRETLINT_WORKER) as (content: string) => ScanHit[];
}

/** Runs secretlint over `content`, synchronously. */
function secretlint(content: string): ScanHit[] {
  startSecretScanner();
  return scanSync!(content);
}

/** A string of an object and where it sits (`spec.template.spec.containers[0].args[1]`). */
interface Place {
  readonly at: string;
  readonly text: string;
}

const step = (at: string, k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? `${at}${at ? '.' : ''}${k}` : `${at}[${JSON.stringify(k)}]`);

/** Every string value inside `v`, with its place. */
function stringsOf(v: unknown, at: string, out: Place[]): Place[] {
  if (typeof v === 'string') out.push({ at, text: v });
  else if (Array.isArray(v)) v.forEach((x, i) => stringsOf(x, `${at}[${i}]`, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) stringsOf(x, step(at, k), out);
  return out;
}

/** A value that refers to a secret rather than holding one: empty, a variable, a template, a placeholder or a plain word like true. */
const REFERENCE = /^(?:|\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|<.*>|\*+|true|false|yes|no|null|none|\d+)$/i;

/** `name=value` or `name: value` in text (also `--name=value`, `"name": "value"`). */
const ASSIGNMENT = /(?:^|[\s;,&?{("'])-{0,2}([A-Za-z][\w.-]*)["']?[ \t]*[=:][ \t]*("[^"\n]*"|'[^'\n]*'|[^\s"',;&}]+)/g;

/** Text that may name a credential at all (a quick test before the assignment pattern). */
const MAY_NAME_SECRET = /pass|pw|secret|token|auth|api.?key|private.?key|credential|creds/i;

/** The secret-looking names assigned a literal value in `text`. */
function assignedSecrets(text: string): string[] {
  const names: string[] = [];
  if (!MAY_NAME_SECRET.test(text)) return names;
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[2].replace(/^["']|["']$/g, '');
    if (looksSecret(m[1]) && !REFERENCE.test(value) && !value.startsWith('//')) names.push(m[1]);
  }
  return names;
}

/** `--password hunter2`: the place of each value that follows a secret-looking flag. */
function flagValues(words: unknown, at: string): string[] {
  const all = list(words);
  const out: string[] = [];
  all.forEach((w, i) => {
    const flag = typeof w === 'string' ? /^--?([A-Za-z][\w.-]*)$/.exec(w) : null;
    const next = all[i + 1];
    if (flag && looksSecret(flag[1]) && typeof next === 'string' && !next.startsWith('-') && !REFERENCE.test(next))
      out.push(`${at}[${i + 1}] (the value of ${show(w)})`);
  });
  return out;
}

/** Runs secretlint once over every string of the subjects and reports each place it flags once. */
function scanWithSecretlint(ctx: CheckContext, subjects: readonly JsonObject[]): void {
  const places: Array<{ o: JsonObject; at: string; start: number }> = [];
  const parts: string[] = [];
  let offset = 0;
  for (const o of subjects) {
    for (const p of stringsOf(o, '', [])) {
      places.push({ o, at: p.at, start: offset });
      parts.push(p.text);
      offset += p.text.length + 1;
    }
  }
  if (!parts.length) return;
  const reported = new Set<number>();
  for (const hit of secretlint(parts.join('\n'))) {
    // the place whose text holds the start of the hit: the last one starting at or before it
    let lo = 0;
    let hi = places.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (places[mid].start <= hit.start) lo = mid;
      else hi = mid - 1;
    }
    if (reported.has(lo)) continue;
    reported.add(lo);
    ctx.report(places[lo].o, `${places[lo].at}: holds a literal secret (${hit.messageId}, found by ${hit.ruleId})`);
  }
}

export const SECRET_CHECKS: readonly Check[] = [
  check(
    GuardrailArea.POLICY,
    'no-literal-secrets',
    'no credential appears as a literal value anywhere in the output (env, command, args, config files, ConfigMap data, annotations, labels): ' +
      "no known token format, private key or password in a URL (secretlint's recommended rules), no literal value for a secret-looking name, no Secret with data",
    'use valueFrom.secretKeyRef (EnvValue.fromSecretKey) and create the Secret outside the manifests (sealed-secrets, external-secrets)',
    (ctx) => {
      const subjects = ctx.subjects.filter((o) => o.kind !== 'Secret');
      for (const s of ctx.subjectsOfKind('Secret')) {
        if (Object.keys(obj(s.data)).length || Object.keys(obj(s.stringData)).length) ctx.report(s, 'a Secret with literal data is written into the output');
      }
      for (const w of ctx.podSubjects) {
        for (const { c } of containersOf(w.spec)) {
          const at = `container ${show(c.name)}`;
          for (const e of objects(c.env)) {
            if (typeof e.name === 'string' && e.value !== undefined && e.value !== '' && looksSecret(e.name))
              ctx.report(w.object, `${at}: env ${show(e.name)} carries a literal value`);
          }
          for (const part of ['command', 'args']) {
            for (const place of flagValues(c[part], part)) ctx.report(w.object, `${at}: ${place} is a literal secret`);
          }
        }
      }
      for (const o of subjects) {
        const meta = obj(o.metadata);
        const keyed: Array<[string, unknown]> = [
          ['metadata.annotations', meta.annotations],
          ['metadata.labels', meta.labels],
        ];
        if (o.kind === 'ConfigMap') keyed.push(['data', o.data], ['binaryData', o.binaryData]);
        for (const [where, map] of keyed) {
          for (const [k, v] of Object.entries(obj(map))) {
            if (looksSecret(k) && typeof v === 'string' && !REFERENCE.test(v)) ctx.report(o, `${step(where, k)}: a secret-looking key holds a literal value`);
          }
        }
        for (const p of stringsOf(o, '', [])) {
          const names = [...new Set(assignedSecrets(p.text))];
          if (names.length) ctx.report(o, `${p.at}: assigns a literal value to ${names.map((n) => show(n)).join(', ')}`);
        }
      }
      scanWithSecretlint(ctx, subjects);
    },
  ),
];
