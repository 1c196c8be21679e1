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
import { show } from '../_errors';
import { looksSecret } from '../_rules';
import { check, Check, CheckContext, remembered } from './check';
import { GuardrailArea } from './findings';
import { has, isObject, JsonObject, list, obj } from '../_json';
import { scanStrings } from './secret-scan';

const step = (at: string, k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? `${at}${at ? '.' : ''}${k}` : `${at}[${JSON.stringify(k)}]`);

/** Whether `for...in` over an object whose prototype is Object.prototype meets only its own enumerable keys (nothing enumerable was added to Object.prototype). */
function plainObjectsAreOwn(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

/** Passes every string value inside the objects to `add`, in document order (the values of objects as `Object.values` gives them). */
function collectStrings(objects: readonly JsonObject[], add: (text: string) => unknown): void {
  const plain = plainObjectsAreOwn();
  for (let i = 0; i < objects.length; i++) collectIn(objects[i], add, plain);
}

/**
 * {@link collectStrings} below an object or array: leaves are looked at in place, only objects and arrays are a call
 * (every value of the output passes here, so no list of values is made: an object's own enumerable keys, in the order
 * of `Object.values`, one by one). `plain` ({@link plainObjectsAreOwn}): `for...in` over an object made by JSON or
 * a literal meets only its own enumerable keys, so only other objects ask each key whether it is one.
 */
function collectIn(v: object, add: (text: string) => unknown, plain: boolean): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) collectValue(v[i], add, plain);
    return;
  }
  const o = v as { readonly [key: string]: unknown };
  if (plain && Object.getPrototypeOf(o) === Object.prototype) for (const k in o) collectValue(o[k], add, plain);
  else for (const k in o) if (has(o, k)) collectValue(o[k], add, plain);
}

/** One value of {@link collectIn}: a string is passed on, an object or array walked. */
function collectValue(x: unknown, add: (text: string) => unknown, plain: boolean): void {
  if (typeof x === 'string') add(x);
  else if (x !== null && typeof x === 'object') collectIn(x, add, plain);
}

/** Calls `fn` with every string value inside `v` and its place (`spec.template.spec.containers[0].args[1]`), in the order of {@link collectStrings}. */
function eachString(v: unknown, at: string, fn: (at: string, text: string) => void): void {
  if (typeof v === 'string') fn(at, v);
  else if (Array.isArray(v)) v.forEach((x, i) => eachString(x, `${at}[${i}]`, fn));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) eachString(x, step(at, k), fn);
}

/** A value that refers to a secret rather than holding one: empty, a variable, a template, a placeholder or a plain word like true. */
const REFERENCE = /^(?:|\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|<.*>|\*+|true|false|yes|no|null|none|\d+)$/i;

/** `name=value` or `name: value` in text (also `--name=value`, `"name": "value"`). */
const ASSIGNMENT = /(?:^|[\s;,&?{("'])-{0,2}([A-Za-z][\w.-]*)["']?[ \t]*[=:][ \t]*("[^"\n]*"|'[^'\n]*'|[^\s"',;&}]+)/g;

/** Text that may name a credential at all (a quick test before the assignment pattern). */
const MAY_NAME_SECRET = /pass|pw|secret|token|auth|api.?key|private.?key|credential|creds/i;

/** The secret-looking names (by `secret`) assigned a literal value in `text`, each once. */
function assignedSecrets(text: string, secret: (name: string) => boolean): string[] {
  const names: string[] = [];
  if (!MAY_NAME_SECRET.test(text)) return names;
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[2].replace(/^["']|["']$/g, '');
    if (secret(m[1]) && !REFERENCE.test(value) && !value.startsWith('//')) names.push(m[1]);
  }
  return [...new Set(names)];
}

/** `--password hunter2`: the place of each value that follows a secret-looking flag. */
function flagValues(words: unknown, at: string, secret: (name: string) => boolean): string[] {
  const all = list(words);
  const out: string[] = [];
  all.forEach((w, i) => {
    const flag = typeof w === 'string' ? /^--?([A-Za-z][\w.-]*)$/.exec(w) : null;
    const next = all[i + 1];
    if (flag && secret(flag[1]) && typeof next === 'string' && !next.startsWith('-') && !REFERENCE.test(next))
      out.push(`${at}[${i + 1}] (the value of ${show(w)})`);
  });
  return out;
}

/**
 * The checks over every string of the subjects: assignments in text and
 * secretlint, each once per distinct string (both judge a string alone:
 * where it sits does not change what they find), reported at every place that
 * holds a string they flag.
 */
function checkStrings(ctx: CheckContext, subjects: readonly JsonObject[], secret: (name: string) => boolean): void {
  const distinct = new Set<string>();
  const add = (text: string) => distinct.add(text);
  collectStrings(subjects, add);
  const assigned = new Map<string, string>();
  for (const text of distinct) {
    const names = assignedSecrets(text, secret);
    if (names.length) assigned.set(text, names.map((n) => show(n)).join(', '));
  }
  const hits = scanStrings(distinct, () => {
    const all: string[] = [];
    const push = (text: string) => all.push(text);
    collectStrings(subjects, push);
    return all;
  });
  if (!assigned.size && !hits.size) return;
  let index = 0;
  for (const o of subjects) {
    eachString(o, '', (at, text) => {
      const names = assigned.get(text);
      if (names !== undefined) ctx.report(o, `${at}: assigns a literal value to ${names}`);
      const hit = hits.at(text, index++);
      if (hit) ctx.report(o, `${at}: holds a literal secret (${hit.messageId}, found by ${hit.ruleId})`);
    });
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
      const secret = remembered(looksSecret);
      for (const s of ctx.subjectsOfKind('Secret')) {
        if (Object.keys(obj(s.data)).length || Object.keys(obj(s.stringData)).length) ctx.report(s, 'a Secret with literal data is written into the output');
      }
      for (const w of ctx.podSubjects) {
        for (const v of w.containers) {
          for (const e of v.env) {
            if (typeof e.name === 'string' && e.value !== undefined && e.value !== '' && secret(e.name))
              ctx.report(w.object, `${v.at}: env ${show(e.name)} carries a literal value`);
          }
          for (const part of ['command', 'args']) {
            for (const place of flagValues(v.c[part], part, secret)) ctx.report(w.object, `${v.at}: ${place} is a literal secret`);
          }
        }
      }
      const keyed = (o: JsonObject, where: string, map: unknown) => {
        const m = obj(map);
        const keys = Object.keys(m);
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          const v = m[k];
          if (secret(k) && typeof v === 'string' && !REFERENCE.test(v)) ctx.report(o, `${step(where, k)}: a secret-looking key holds a literal value`);
        }
      };
      for (let i = 0; i < subjects.length; i++) {
        const o = subjects[i];
        const meta = obj(o.metadata);
        keyed(o, 'metadata.annotations', meta.annotations);
        keyed(o, 'metadata.labels', meta.labels);
        if (o.kind === 'ConfigMap') {
          keyed(o, 'data', o.data);
          keyed(o, 'binaryData', o.binaryData);
        }
      }
      checkStrings(ctx, subjects, secret);
    },
  ),
];
