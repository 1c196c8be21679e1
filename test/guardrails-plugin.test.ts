import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { Guardrails } from '../src/guardrails';

const ROOT = path.join(__dirname, '..');
const PLUGIN = path.join(ROOT, 'plugins', 'cdk8s-tiers-guardrails');
const FIXTURE = path.join(__dirname, 'fixtures', 'guardrails-app.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require(FIXTURE) as { build: (app: unknown) => import('cdk8s').Chart };

interface Report {
  readonly reports: Array<{
    readonly summary: { readonly status: string; readonly metadata: Record<string, string> };
    readonly violations: Array<{
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingConstructs: Array<{
        readonly resourceName: string;
        readonly constructPath?: string;
        readonly manifestPath: string;
        readonly locations: string[];
      }>;
    }>;
  }>;
}

/** A project folder like a user's: the fixture app, cdk8s.yaml enabling the plugin by local path, node_modules. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-plugin-'));
  fs.copyFileSync(FIXTURE, path.join(dir, 'main.js'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'cdk8s.yaml'),
    [
      'language: typescript',
      'app: node main.js',
      'output: dist',
      'validations:',
      `  - package: ${PLUGIN}`,
      '    version: 0.1.0',
      '    class: GuardrailsValidation',
      '',
    ].join('\n'),
  );
  return dir;
}

test('the validation plugin reports the same findings and waivers through `cdk8s synth` as the in-process check', () => {
  const dir = project();
  try {
    checkThroughCli(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function checkThroughCli(dir: string): void {
  const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
  const r = spawnSync(process.execPath, [cli, 'synth', '--validation-reports-output-file', 'report.json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  expect(r.stdout).toMatch(/Validation Report/);
  expect(r.status).toBe(2); // the CLI's exit status when a validation fails
  expect(r.stderr).toMatch(/Validation failed/);

  const report = (JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report).reports[0];
  const reported = report.violations.flatMap((v) =>
    v.violatingConstructs.map((c) => ({
      checkId: v.ruleName,
      constructPath: c.constructPath,
      manifestPath: c.manifestPath,
      location: c.locations[0],
    })),
  );

  const expected = Guardrails.check(build(Testing.app())).findings;
  expect(expected.length).toBeGreaterThan(15);
  const sort = (l: string[]) => [...l].sort();
  expect(sort(reported.map((f) => `${f.checkId} [${f.constructPath}] ${f.location}`))).toEqual(
    sort(expected.map((f) => `${f.checkId} [${f.constructPath}] ${f.object.kind} ${f.object.namespace}/${f.object.name}: ${f.message}`)),
  );
  expect(new Set(reported.map((f) => f.manifestPath))).toEqual(new Set(['dist/handmade.k8s.yaml']));

  const selector = report.violations.find((v) => v.ruleName === 'api/selector')!;
  expect(selector.recommendation).toBe("a controller's selector is not empty and selects its own pod template");
  expect(selector.fix).toBe('make spec.selector match the labels of spec.template.metadata.labels');
  expect(report.summary.status).toBe('failure');
  expect(report.summary.metadata).toEqual({ objects: '3', findings: String(expected.length), waived: '1' });
  expect(r.stdout).toContain(
    'cdk8s-tiers guardrails: [handmade/deployment] waived policy/image-pull-policy on Deployment shop/legacy: nodes pull through a caching mirror',
  );
}

test('the plugin passes clean manifests and reports each check once, with every object that breaks it', async () => {
  const { GuardrailsValidation } = await import('../src/guardrails/plugin');
  const run = async (docs: unknown[]) => {
    const violations: Array<{ ruleName: string; violatingResources: readonly { resourceName: string; manifestPath: string }[] }> = [];
    const submitted: string[] = [];
    await new GuardrailsValidation({}).validate({
      manifests: ['a.yaml'],
      metadata: {},
      parseManifest: () => docs,
      logger: { log: () => undefined },
      report: { addViolation: (v) => violations.push(v), submit: (status) => submitted.push(status) },
    });
    return { violations, submitted };
  };
  const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });

  expect(await run([configMap('one'), null])).toEqual({ violations: [], submitted: ['success'] });
  const bad = await run([configMap('One'), configMap('Two'), { ...configMap('three'), extra: 1 }]);
  expect(bad.submitted).toEqual(['failure']);
  expect(bad.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => `${r.resourceName}@${r.manifestPath}`)])).toEqual([
    ['api/name', ['One@a.yaml', 'Two@a.yaml']],
    ['schema/strict', ['three@a.yaml']],
  ]);
});
