/**
 * secretlint scans each distinct string of the output once (src/guardrails/secret-scan.ts):
 * every rule of the preset still fires, what it finds is exactly what a scan
 * of every string in its place finds, and a finding is reported at every
 * place that holds the string.
 */
import * as fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { TiersError } from '../src/_errors';
import { Guardrails } from '../src/guardrails';
import { SyncWorker } from '../src/guardrails/_sync-worker';
import { mayReachAcrossLines, scanLines, scanStrings, secretScannerRunning, WorkerHit } from '../src/guardrails/secret-scan';
import { ApiObject } from 'cdk8s';
import { Environment, GitOpsApp } from '../src/gitops';
import { RUNS, SEED } from './arbitraries';
import { Manifest } from './util';

const PRESET = path.join(__dirname, '..', 'node_modules', '@secretlint', 'secretlint-rule-preset-recommend');

/** `n` characters of letters and digits. */
const chars = (n: number, from = 'aB3dE6gH9k') => from.repeat(Math.ceil(n / from.length)).slice(0, n);
const hex = (n: number) => chars(n, 'a1b2c3d4e5f6');
const { privateKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
/** A 1Password service account token: `ops_` and base64 JSON (ending in `}`, so in "fQ"). */
function opsToken(): string {
  const json = (pad: string) => JSON.stringify({ email: 'x@1passwordserviceaccounts.lcl', secretKey: 'A3-C4ZJMN-PQTZTL-HGL84-G64M7-KVZRN-4ZVP6', pad });
  let pad = '';
  while (json(pad).length % 3 !== 1) pad += 'x';
  return `ops_${Buffer.from(json(pad)).toString('base64')}`;
}
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz2xmpl5KY';

/** One secret for each scanner of the preset that runs on text: [rule, message id, text]. */
const SAMPLES: ReadonlyArray<readonly [string, string, string]> = [
  ['aws', 'AWSAccessKeyID', 'AKIAQWERTYUIOPASDFGH'],
  ['aws', 'AWSSecretAccessKey', `AWS_SECRET_ACCESS_KEY=${awsSecret}`],
  ['aws', 'AWSAccountID', 'AWS_ACCOUNT_ID=1234-5678-9012'],
  ['npm', 'NPM_ACCESS_TOKEN', `npm_${chars(36)}`],
  ['slack', 'SLACK_TOKEN', 'xoxb-123456789012-abcdefghijkl'],
  ['slack', 'IncomingWebhook', `https://hooks.slack.com/services/T0AB12CD3/B0AB12CD3/${chars(24)}`],
  ['basicauth', 'BasicAuth', 'https://shop:s3cr3tPa55@shop.example.com'],
  ['openai', 'OPENAI_TOKEN', `sk-${chars(20)}T3BlbkFJ${chars(20)}`],
  ['anthropic', 'ANTHROPIC_API_KEY', `sk-ant-api03-${chars(93)}AA`],
  ['groq', 'GROQ_API_KEY', `gsk_${chars(52)}`],
  ['huggingface', 'HUGGINGFACE_USER_ACCESS_TOKEN', `hf_${chars(34, 'abcdefghij')}`],
  ['linear', 'LINEAR_API_TOKEN', `lin_api_${chars(40)}`],
  ['notion', 'NOTION_INTEGRATION_TOKEN', `ntn_12345678901${chars(35)}`],
  ['privatekey', 'PrivateKey', privateKey],
  ['sendgrid', 'SENDGRID_KEY', `SG.${chars(22)}.${chars(43)}`],
  ['shopify', 'SHOPIFY_KEY', `shpat_${chars(32)}`],
  ['stripe', 'STRIPE_SECRET_KEY_LIVE', `sk_live_${chars(24)}`],
  ['github', 'GITHUB_TOKEN', `ghp_${chars(36)}`],
  ['gitlab', 'GITLAB_PERSONAL_ACCESS_TOKEN', `glpat-${chars(20)}`],
  ['grafana', 'GRAFANA_CLOUD_API_TOKEN', `glc_${chars(40)}`],
  ['grafana', 'GRAFANA_SERVICE_ACCOUNT_TOKEN', `glsa_${chars(32)}_${hex(8)}`],
  ['1password', 'OPS_TOKEN', opsToken()],
  ['database-connection-string', 'PostgreSQLConnection', 'postgres://shop:s3cr3tPa55@db:5432/shop'],
  ['database-connection-string', 'MongoDBConnection', 'mongodb://shop:s3cr3tPa55@db:27017/shop'],
  ['database-connection-string', 'MySQLConnection', 'mysql://shop:s3cr3tPa55@db:3306/shop'],
  ['hashicorp-vault', 'HASHICORP_VAULT_SERVICE_TOKEN', `hvs.${chars(95)}`],
  ['vercel', 'VERCEL_PERSONAL_ACCESS_TOKEN', `vcp_${chars(24)}`],
  ['databricks', 'DATABRICKS_PERSONAL_ACCESS_TOKEN', `dapi${hex(32)}`],
  ['docker', 'DOCKER_PERSONAL_ACCESS_TOKEN', `dckr_pat_${chars(27)}`],
  ['figma', 'FIGMA_PERSONAL_ACCESS_TOKEN', `figd_${chars(40)}`],
  ['cloudflare', 'CLOUDFLARE_USER_API_TOKEN', `cfut_${chars(40)}${hex(8)}`],
  ['tailscale', 'TAILSCALE_API_KEY', `tskey-api-${chars(12)}-${chars(24)}`],
];

const [pemHead, pemRest] = privateKey.split(/(?<=-----)\n/);
const pat = `ghp_${chars(36)}`;
/** Two strings in a row that secretlint sees as one finding (and comments that would silence the second, were filter-comments run). */
const STRADDLING: ReadonlyArray<readonly [string, string]> = [
  ['AWS_SECRET_ACCESS_KEY', `=${awsSecret}`],
  ['aws_secret_access_key:', awsSecret],
  ['AWS_ACCOUNT_ID', '= 1234-5678-9012'],
  ['account_Id =', '1234-5678-9012'],
  [pemHead, pemRest],
  ['# secretlint-disable', pat],
  ['secretlint-disable-next-line', pat],
  ['x # secretlint-disable-line', pat],
  ['# secretlint-enable', pat],
];
const PLAIN = ['', 'web', 'app.kubernetes.io/name', 'key', 'KEY', 'password', 'db.shop.svc:5432', 'line one\nline two', '=', ':'];

describe('the preset', () => {
  test('is the version whose rules secret-scan.ts read (an upgrade must read them again: REACHES_ACROSS_LINES)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PRESET, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('13.0.7');
    const source = fs.readFileSync(path.join(PRESET, 'module', 'index.js'), 'utf8');
    const rules = [...source.matchAll(/id: "@secretlint\/secretlint-rule-([a-z0-9-]+)"/g)].map((m) => m[1]).filter((r) => r !== 'preset-recommend');
    // every scanner that runs on text has a sample; gcp (.json and .p12 files only) has none, and the worker leaves filter-comments out
    expect(rules.sort()).toEqual([...new Set([...SAMPLES.map(([r]) => r), 'filter-comments', 'gcp'])].sort());
  });

  test.each([true, false])('fires every rule through the scan of distinct strings (with strings that straddle lines: %s)', (straddling) => {
    const texts = [...(straddling ? ['AWS_SECRET_ACCESS_KEY'] : []), ...SAMPLES.map(([, , text]) => text), ...SAMPLES.map(([, , text]) => text)];
    const hits = scanStrings(new Set(texts), () => texts);
    texts.forEach((text, i) => {
      const sample = SAMPLES.find(([, , t]) => t === text);
      if (sample) expect(hits.at(text, i)).toEqual({ ruleId: `@secretlint/secretlint-rule-${sample[0]}`, messageId: sample[1] });
    });
  });
});

describe('scanning each distinct string once', () => {
  test('finds exactly what a scan of every string in its place finds', () => {
    const piece = fc.oneof(fc.constantFrom(...STRADDLING.flat()), fc.constantFrom(...PLAIN), fc.constantFrom(...SAMPLES.map(([, , text]) => text)));
    const text = fc.oneof({ arbitrary: piece, weight: 4 }, { arbitrary: fc.tuple(piece, piece).map(([a, b]) => `${a} ${b}`), weight: 1 });
    // a string alone, or two that secretlint sees as one finding
    const unit = fc.oneof(
      text.map((t) => [t]),
      fc.constantFrom(...STRADDLING),
      fc.tuple(fc.constantFrom(...STRADDLING.map(([a]) => a)), text),
    );
    // strings, then some of them again in another order (scanned once, their neighbours differ), then others
    const texts = fc
      .array(unit, { maxLength: 6 })
      .map((units) => units.flat())
      .chain((first) => fc.tuple(fc.constant(first), fc.shuffledSubarray(first), fc.array(text, { maxLength: 4 })))
      .map(([first, again, more]) => [...first, ...again, ...more]);
    fc.assert(
      fc.property(texts, (texts) => {
        const reference = scanLines(texts);
        const hits = scanStrings(new Set(texts), () => texts);
        texts.forEach((t, i) => expect(hits.at(t, i)).toEqual(reference.get(i)));
      }),
      { numRuns: Math.max(100, Math.ceil(RUNS / 30)), seed: SEED },
    );
  });

  test('falls back to scanning in place where a finding straddles two strings; a secretlint-disable comment silences nothing', () => {
    expect(mayReachAcrossLines('AWS_SECRET_ACCESS_KEY')).toBe(true);
    expect(mayReachAcrossLines('shop_key: "')).toBe(true);
    expect(mayReachAcrossLines('AWS_SECRET_ACCESS_KEY=x')).toBe(false);
    expect(mayReachAcrossLines('my account_Id =')).toBe(true);
    expect(mayReachAcrossLines('x # secretlint-disable')).toBe(false);
    expect(mayReachAcrossLines(privateKey)).toBe(true);
    expect(mayReachAcrossLines('app.kubernetes.io/name')).toBe(false);
    const straddledTexts = ['web', 'AWS_SECRET_ACCESS_KEY', `=${awsSecret}`, 'web'];
    const straddled = scanStrings(new Set(straddledTexts), () => straddledTexts);
    expect(straddled.at('AWS_SECRET_ACCESS_KEY', 1)).toEqual({ ruleId: '@secretlint/secretlint-rule-aws', messageId: 'AWSSecretAccessKey' });
    const pat = `ghp_${chars(36)}`;
    const silencedTexts = [pat, '# secretlint-disable', pat];
    const silenced = scanStrings(new Set(silencedTexts), () => silencedTexts);
    const github = { ruleId: '@secretlint/secretlint-rule-github', messageId: 'GITHUB_TOKEN' };
    expect([silenced.at(pat, 0), silenced.at(pat, 2)]).toEqual([github, github]);
    expect([...scanLines(silencedTexts).keys()]).toEqual([0, 2]);
  });
});

test("a secret scan that cannot run (secretlint missing or broken) is the library's error, with the reason and the fix", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-scan-'));
  try {
    const file = path.join(dir, 'secretlint.cjs');
    // what the worker does when secretlint is not installed
    fs.writeFileSync(file, "require('@secretlint/not-installed');\n");
    let thrown: unknown;
    try {
      scanLines(['a string'], new SyncWorker<string, WorkerHit[]>(file, 10_000));
    } catch (e) {
      thrown = e;
    }
    expect(TiersError.is(thrown)).toBe(true);
    expect((thrown as TiersError).problems).toEqual([
      `the secret scan of the output could not run: ${file}: the worker stopped (exit code 1): Error: Cannot find module '@secretlint/not-installed'. ` +
        `Fix: install the dependencies again (npm ci), so that @secretlint/core and @secretlint/secretlint-rule-preset-recommend are complete; if it persists, report it with this message`,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a GitOpsApp synth stops the secretlint worker once its scan is done (the writes need none of its memory); the next synth starts another, which finds what the first would', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-worker-'));
  try {
    const app = (data: Record<string, string>) => {
      const a = new GitOpsApp({ outdir: path.join(dir, 'dist'), cliOutdir: '' });
      new ApiObject(new Environment(a, 'dev'), 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data });
      return a;
    };
    const clean = app({ mode: 'fast' });
    expect(secretScannerRunning()).toBe(true); // started as the app is built
    clean.synth();
    expect(secretScannerRunning()).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dist', 'dev', 'configmap-dev-settings.yaml'))).toBe(true);
    let thrown: unknown;
    try {
      app({ token: pat }).synth();
    } catch (e) {
      thrown = e;
    }
    expect(secretScannerRunning()).toBe(false); // stopped also when the synth fails
    expect(TiersError.is(thrown)).toBe(true);
    expect((thrown as TiersError).problems.join('\n')).toMatch(/no-literal-secrets.*data\.token/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the worker leaves nothing in the thread's performance timeline (secretlint's profiler would keep every scan's marks)", () => {
  const worker = path.join(__dirname, '..', 'workers', 'secretlint.cjs');
  const script = `const { lint } = require(${JSON.stringify(worker)});
    (async () => {
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(...(await lint(${JSON.stringify(`x\n${pat}`)})));
      console.log(JSON.stringify({ hits: hits.map((h) => h.ruleId), entries: performance.getEntries().length }));
    })();`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { hits: string[]; entries: number };
  expect(out).toEqual({ hits: Array(3).fill('@secretlint/secretlint-rule-github'), entries: 0 });
});

describe('no-literal-secrets reports every place that holds a flagged string', () => {
  const configMap = (name: string, data: Manifest): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data });
  const messages = (objects: Manifest[]) =>
    Guardrails.checkManifests(objects)
      .findings.filter((f) => f.checkId === 'policy/no-literal-secrets')
      .map((f) => `${f.object.name}: ${f.message}`);
  const found = 'holds a literal secret (GITHUB_TOKEN, found by @secretlint/secretlint-rule-github)';

  test('a secretlint-disable comment in one object silences nothing in the objects after it', () => {
    expect(messages([configMap('a', { 'notes.txt': '# secretlint-disable' }), configMap('b', { GH: pat })])).toEqual([`b: data.GH: ${found}`]);
  });

  test('a secret in two objects is reported in both', () => {
    expect(messages([configMap('a', { token: pat }), configMap('b', { GH: pat })]).sort()).toEqual([
      'a: data.token: a secret-looking key holds a literal value',
      `a: data.token: ${found}`,
      `b: data.GH: ${found}`,
    ]);
  });

  test('a string that repeats in one object is reported at every place', () => {
    expect(messages([configMap('a', { one: pat, two: pat, 'three.txt': pat })]).sort()).toEqual([
      `a: data.one: ${found}`,
      `a: data.two: ${found}`,
      `a: data["three.txt"]: ${found}`,
    ]);
  });

  test('only the values of an object are scanned: not what it inherits, from a prototype or from Object.prototype', () => {
    // also when a string straddles lines (every string is scanned in its place: one more would shift the places)
    for (const extra of [{}, { note: 'AWS_SECRET_ACCESS_KEY' }]) {
      const inherited = Object.assign(Object.create({ GH: pat }) as Manifest, { notes: 'x', ...extra });
      expect(messages([configMap('a', inherited), configMap('b', { GH: pat })])).toEqual([`b: data.GH: ${found}`]);
      Object.defineProperty(Object.prototype, 'leaked', { value: 'x', enumerable: true, configurable: true });
      try {
        expect(messages([configMap('a', { notes: 'x', ...extra }), configMap('b', { GH: pat })])).toEqual([`b: data.GH: ${found}`]);
      } finally {
        delete (Object.prototype as { leaked?: unknown }).leaked;
      }
    }
  });

  test('an assignment that repeats is reported at every place, also when a string straddles lines', () => {
    for (const extra of [{}, { note: 'AWS_SECRET_ACCESS_KEY' }]) {
      expect(messages([configMap('a', { 'a.ini': 'password = hunter2', ...extra }), configMap('b', { 'b.ini': 'password = hunter2' })]).sort()).toEqual([
        'a: data["a.ini"]: assigns a literal value to "password"',
        'b: data["b.ini"]: assigns a literal value to "password"',
      ]);
    }
  });
});
