import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

test("`cdk8s synth` of a plain App prints the library's one error with every problem, without the library's stack frames, and writes nothing", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-cli-'));
  try {
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'plain-app.js'), path.join(dir, 'main.js'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
    const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
    const r = spawnSync(process.execPath, [cli, 'synth'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', TIERS_SOURCE: path.join(ROOT, 'src'), TIERS_TSCONFIG: path.join(ROOT, 'tsconfig.json') },
    });
    expect(r.status).toBe(1);
    // what the app printed, before the CLI's own "command ... returned a non-zero exit code"
    const app = r.stderr.slice(0, r.stderr.indexOf('Error: command'));
    expect(app).toContain(
      [
        'TiersError: cdk8s-tiers found 2 problems:',
        '  [shop/web] replicas: got -1; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default',
        '  [shop/lb] api/node-port: Service shop/lb: nodePort 40000 is outside the default range 30000-32767. ' +
          'Fix: give each Service its own node port from 30000 to 32767, or leave nodePort out to let the cluster choose',
        '    at Object.<anonymous> (',
      ].join('\n'),
    );
    expect(app).not.toMatch(/Validation failed/);
    // the source line shown is the user's app.synth(), and no frame is the library's, constructs' or cdk8s's
    expect(app).toMatch(/^\S*main\.js:\d+\napp\.synth\(\);/);
    expect(app).not.toMatch(/src\/guardrails|node_modules\/(constructs|cdk8s)\//);
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
