/**
 * Generates src/gitops/_k8s-json.ts: the typed converters of cdk8s-plus-28's
 * `k8s` module (`toJson_*` in lib/imports/k8s.js), each building its result
 * once. The originals copy the result with a spread per field
 * (`Object.entries(result).reduce((r, i) => ({ ...r, [i[0]]: i[1] }), {})`),
 * quadratic in the number of fields, and are about a third of the synth's
 * object JSON. The generated ones read each field with the original's own
 * expression, in the original's order, and keep what is not undefined: the
 * same JSON (keys, values) and the same errors, for any input. Only the key
 * order differs: each result lists its keys in the canonical order of
 * src/gitops/_serialize.ts (a mapping field's keys sorted; a converter's
 * fields in {@link emittedOrders}), so that the canonical form of an object
 * shares its JSON instead of copying it (fields are still read in the
 * original's order, so errors come from the same field).
 * Every field of every converter is one of the forms below; a form not known
 * here (another cdk8s-plus-28 release) stops the script instead of being
 * guessed at. A test checks that the committed file is what this script
 * generates today, and a property test compares each generated converter
 * with its original over generated inputs.
 *
 *   npm run gen:k8s-json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from 'cdk8s-plus-28/package.json';
import * as ts from 'typescript';
import { canonicalOrder, METADATA_KEYS, TOP_KEYS } from '../src/gitops/_serialize';

/** How a converter reads one field: `P` is the property read, `T` a converter's type name. */
export type FieldForm =
  | { readonly kind: 'value' } // obj.P
  | { readonly kind: 'intOrString' } // obj.P?.value
  | { readonly kind: 'date' } // obj.P?.toISOString()
  | { readonly kind: 'list' } // obj.P?.map(y => y)
  | { readonly kind: 'listOf'; readonly type: string } // obj.P?.map(y => toJson_T(y))
  | { readonly kind: 'of'; readonly type: string } // toJson_T(obj.P)
  | { readonly kind: 'mapOf'; readonly item: ItemForm }; // each entry of obj.P not undefined, its value read as item

/** How a mapping field reads each entry's value `i[1]`. */
export type ItemForm =
  { readonly kind: 'value' } | { readonly kind: 'intOrString' } | { readonly kind: 'list' } | { readonly kind: 'of'; readonly type: string };

export interface Field {
  /** The JSON key. */
  readonly key: string;
  /** The property of the typed object it is read from. */
  readonly prop: string;
  readonly form: FieldForm;
  /** The original's expression, emitted as it is (so values and error messages are the original's). */
  readonly expression: string;
}

/** The converters of k8s.js by type name (`DeploymentSpec` for `toJson_DeploymentSpec`), in file order. */
export type Converters = ReadonlyMap<string, readonly Field[]>;

export const K8S_JS = require.resolve('cdk8s-plus-28/lib/imports/k8s.js');
export const OUTPUT = join(__dirname, '..', 'src', 'gitops', '_k8s-json.ts');

const PROP = '([A-Za-z_$][A-Za-z0-9_$]*)';
const TYPE = '([A-Za-z0-9_]+)';
const FORMS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => { prop: string; form: FieldForm }]> = [
  [new RegExp(`^obj\\.${PROP}$`), (m) => ({ prop: m[1], form: { kind: 'value' } })],
  [new RegExp(`^obj\\.${PROP}\\?\\.value$`), (m) => ({ prop: m[1], form: { kind: 'intOrString' } })],
  [new RegExp(`^obj\\.${PROP}\\?\\.toISOString\\(\\)$`), (m) => ({ prop: m[1], form: { kind: 'date' } })],
  [new RegExp(`^obj\\.${PROP}\\?\\.map\\(y => y\\)$`), (m) => ({ prop: m[1], form: { kind: 'list' } })],
  [new RegExp(`^obj\\.${PROP}\\?\\.map\\(y => toJson_${TYPE}\\(y\\)\\)$`), (m) => ({ prop: m[1], form: { kind: 'listOf', type: m[2] } })],
  [new RegExp(`^toJson_${TYPE}\\(obj\\.${PROP}\\)$`), (m) => ({ prop: m[2], form: { kind: 'of', type: m[1] } })],
  [
    new RegExp(
      `^\\(\\(obj\\.${PROP}\\) === undefined\\) \\? undefined : \\(Object\\.entries\\(obj\\.\\1\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: (.+) \\}\\), \\{\\}\\)\\)$`,
    ),
    (m) => ({ prop: m[1], form: { kind: 'mapOf', item: itemForm(m[2]) } }),
  ],
];

function itemForm(text: string): ItemForm {
  if (text === 'i[1]') return { kind: 'value' };
  if (text === 'i[1]?.value') return { kind: 'intOrString' };
  if (text === 'i[1]?.map(y => y)') return { kind: 'list' };
  const of = /^toJson_([A-Za-z0-9_]+)\(i\[1\]\)$/.exec(text);
  if (of) return { kind: 'of', type: of[1] };
  throw new Error(`k8s.js: a mapping entry read as ${text}, a form scripts/gen-k8s-json.ts does not know`);
}

const HEAD = 'if (obj === undefined) {\n        return undefined;\n    }';
const TAIL = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';

/** Every `toJson_*` function of k8s.js, its fields classified; throws on anything else in a converter. */
export function parseConverters(source: string): Converters {
  const file = ts.createSourceFile('k8s.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const out = new Map<string, Field[]>();
  for (const statement of file.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.name?.text.startsWith('toJson_')) continue;
    const name = statement.name.text.slice('toJson_'.length);
    const where = `k8s.js toJson_${name}`;
    const body = statement.body?.statements ?? [];
    const params = statement.parameters.map((p) => p.getText());
    if (params.join() !== 'obj' || body.length !== 3 || body[0].getText() !== HEAD || body[2].getText() !== TAIL) {
      throw new Error(`${where}: not the converter shape scripts/gen-k8s-json.ts knows`);
    }
    const declaration =
      ts.isVariableStatement(body[1]) && body[1].declarationList.declarations.length === 1 ? body[1].declarationList.declarations[0] : undefined;
    const literal = declaration?.initializer;
    if (!declaration || declaration.name.getText() !== 'result' || !literal || !ts.isObjectLiteralExpression(literal)) {
      throw new Error(`${where}: no \`const result = { ... }\``);
    }
    const fields: Field[] = [];
    for (const p of literal.properties) {
      if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) throw new Error(`${where}: a field that is not 'key': expression`);
      const key = p.name.text;
      const expression = p.initializer.getText();
      const match = FORMS.map(([re, read]) => {
        const m = re.exec(expression);
        return m ? read(m) : undefined;
      }).find((f) => f !== undefined);
      if (!match) throw new Error(`${where}: field '${key}' is ${expression}, a form scripts/gen-k8s-json.ts does not know`);
      if (key === '__proto__') throw new Error(`${where}: a field named __proto__`);
      if (fields.some((f) => f.key === key)) throw new Error(`${where}: field '${key}' twice`);
      fields.push({ key, prop: match.prop, form: match.form, expression });
    }
    out.set(name, fields);
  }
  for (const [name, fields] of out) {
    for (const f of fields) {
      const type =
        f.form.kind === 'of' || f.form.kind === 'listOf' ? f.form.type : f.form.kind === 'mapOf' && f.form.item.kind === 'of' ? f.form.item.type : undefined;
      if (type !== undefined && !out.has(type)) throw new Error(`k8s.js toJson_${name}: field '${f.key}' uses toJson_${type}, which is not there`);
    }
  }
  return out;
}

/** The L1 classes of k8s.js (`class KubeDeployment extends cdk8s_1.ApiObject`): `toJson_${name}Props` gives the top of their objects. */
export function apiObjectClasses(source: string): Set<string> {
  const file = ts.createSourceFile('k8s.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const out = new Set<string>();
  for (const s of file.statements) {
    if (ts.isClassDeclaration(s) && s.name && s.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'cdk8s_1.ApiObject')))
      out.add(s.name.text);
  }
  return out;
}

/**
 * The fields of each converter in the order its result lists them: canonical
 * order (src/gitops/_serialize.ts) where the result goes. The top of an L1
 * class's object (after its apiVersion and kind); under a `metadata` key (a
 * type some field named `metadata` holds); anywhere else sorted.
 */
export function emittedOrders(converters: Converters, classes: ReadonlySet<string>): ReadonlyMap<string, readonly Field[]> {
  const metadata = new Set<string>();
  for (const fields of converters.values()) for (const f of fields) if (f.key === 'metadata' && f.form.kind === 'of') metadata.add(f.form.type);
  const out = new Map<string, readonly Field[]>();
  for (const [name, fields] of converters) {
    const top = name.endsWith('Props') && classes.has(name.slice(0, -'Props'.length));
    const order = canonicalOrder(
      fields.map((f) => f.key),
      metadata.has(name) ? METADATA_KEYS : top ? TOP_KEYS : [],
    );
    out.set(
      name,
      order.map((key) => fields.find((f) => f.key === key)!),
    );
  }
  return out;
}

/** The original's expression, its mapping fields copied by `mapping()` instead of a spread per entry. */
function emitted(f: Field): string {
  const read = `obj.${f.prop}`;
  if (f.form.kind === 'list') return `list(${read}) ?? ${f.expression}`;
  if (f.form.kind === 'listOf') return `list(${read}, toJson_${f.form.type}) ?? ${f.expression}`;
  if (f.form.kind !== 'mapOf') return f.expression;
  const item = /\[i\[0\]\]: (.+) \}\), \{\}\)\)$/.exec(f.expression)![1];
  // mapping() hands every item one pair, refilled: an item may read the value, never keep the pair
  if (/\bi\b(?!\[1\])/.test(item)) throw new Error(`the item of ${read} uses its entry otherwise than as i[1]: ${item}`);
  return `((${read}) === undefined) ? undefined : mapping(${read}, (i) => ${f.form.item.kind === 'list' ? `list(i[1]) ?? ${item}` : item})`;
}

function emitConverter(name: string, fields: readonly Field[], order: readonly Field[]): string {
  const lines = [`export function toJson_${name}(obj) {`, '  if (obj === undefined) return undefined;'];
  if (fields.length === 0) return [...lines, '  return {};', '}'].join('\n');
  // the original evaluates every field before it leaves out the undefined ones: so does this (errors at the same field)
  fields.forEach((f, i) => lines.push(`  const v${i} = ${emitted(f)};`));
  lines.push('  const r = {};');
  for (const f of order) lines.push(`  if (v${fields.indexOf(f)} !== undefined) r[${JSON.stringify(f.key)}] = v${fields.indexOf(f)};`);
  lines.push('  return r;', '}');
  return lines.join('\n');
}

export function generateK8sJson(source = readFileSync(K8S_JS, 'utf8')): string {
  const converters = parseConverters(source);
  const orders = emittedOrders(converters, apiObjectClasses(source));
  const parts = [
    `// Generated by scripts/gen-k8s-json.ts from cdk8s-plus-28 ${version} (lib/imports/k8s.js): do not edit.`,
    '/* eslint-disable */',
    '// @ts-nocheck',
    '/**',
    " * The typed converters of cdk8s-plus-28's `k8s` module, each building its",
    ' * result once (the originals copy it with a spread per field): the same',
    ' * expressions in the same order, the same JSON and the same errors; keys',
    ' * in the canonical order of src/gitops/_serialize.ts.',
    ' */',
    '',
    '/**',
    ' * `Object.entries(m).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: item(i) }), {})`, without a copy per entry',
    ' * nor a pair per entry (`item` reads an entry as `i[1]`, in its error messages too: it gets one pair, refilled for each',
    ' * entry, and keeps none), its keys sorted (UTF-16 code units): the values are read first and the items made in the',
    " * original's order (errors at the same entry).",
    ' */',
    'function mapping(m, item) {',
    '  const keys = Object.keys(m);',
    '  const values = new Array(keys.length);',
    '  for (let j = 0; j < keys.length; j++) values[j] = m[keys[j]];',
    '  const entry = [undefined, undefined];',
    '  let n = 0;',
    '  for (let j = 0; j < keys.length; j++) {',
    '    const v = values[j];',
    '    if (v === undefined) continue;',
    '    entry[0] = keys[n] = keys[j];',
    '    entry[1] = v;',
    '    values[n++] = item(entry);',
    '  }',
    '  // keys are distinct, so no tie; a few (labels, resources) sorted by insertion, keys and values together',
    '  if (n > 16) {',
    '    const order = keys.slice(0, n).map((k, j) => [k, values[j]]).sort((a, b) => (a[0] < b[0] ? -1 : 1));',
    '    for (let j = 0; j < n; j++) {',
    '      keys[j] = order[j][0];',
    '      values[j] = order[j][1];',
    '    }',
    '  } else {',
    '    for (let j = 1; j < n; j++) {',
    '      const k = keys[j];',
    '      const v = values[j];',
    '      let at = j;',
    '      for (; at > 0 && keys[at - 1] > k; at--) {',
    '        keys[at] = keys[at - 1];',
    '        values[at] = values[at - 1];',
    '      }',
    '      keys[at] = k;',
    '      values[at] = v;',
    '    }',
    '  }',
    '  const r = {};',
    '  for (let j = 0; j < n; j++) {',
    '    const k = keys[j];',
    "    if (k === '__proto__') Object.defineProperty(r, k, { value: values[j], writable: true, enumerable: true, configurable: true });",
    '    else r[k] = values[j];',
    '  }',
    '  return r;',
    '}',
    '',
    '/**',
    ' * `a.map(y => f(y))` (`a.map(y => y)` without `f`) where `a` is an array of Array itself without holes, as a packed',
    ' * array whichever tier runs it: `map` gives a packed array in the interpreter and a holey one where TurboFan inlines',
    ' * it, and every walker over the JSON that had met one kind was compiled again when it met the other. A short list is',
    ' * an array literal (made at its length; `push` would give it room for 16). Undefined for anything else, which the',
    " * caller then maps with the original's expression (its result, or its error). `f` is called with the same items in",
    " * the same order as the original's `map` calls it (errors at the same item).",
    ' */',
    'function list(a, f) {',
    '  if (!Array.isArray(a) || a.constructor !== Array) return undefined;',
    '  const n = a.length;',
    '  for (let i = 0; i < n; i++) if (!(i in a)) return undefined;',
    '  const g = f === undefined ? same : f;',
    '  switch (n) {',
    '    case 0:',
    '      return [];',
    '    case 1:',
    '      return [g(a[0])];',
    '    case 2:',
    '      return [g(a[0]), g(a[1])];',
    '    case 3:',
    '      return [g(a[0]), g(a[1]), g(a[2])];',
    '    case 4:',
    '      return [g(a[0]), g(a[1]), g(a[2]), g(a[3])];',
    '  }',
    '  const r = [];',
    '  for (let i = 0; i < n; i++) r.push(g(a[i]));',
    '  return r;',
    '}',
    '',
    'function same(y) {',
    '  return y;',
    '}',
    '',
    '/** The cdk8s-plus-28 release these converters were generated from (src/gitops/_object-json.ts uses them only with it). */',
    `export const SOURCE_VERSION = ${JSON.stringify(version)};`,
  ];
  for (const [name, fields] of converters) parts.push('', emitConverter(name, fields, orders.get(name)!));
  return parts.join('\n') + '\n';
}

if (require.main === module) {
  writeFileSync(OUTPUT, generateK8sJson());
  console.log(`wrote ${OUTPUT}`);
}
