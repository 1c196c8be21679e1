/**
 * The redis preset as a real server: it starts under the restricted security
 * context with requirepass from the Secret (never on a command line), its probes
 * pass, a client in another namespace sets and reads a key, and the key survives a
 * restart of the pod on its claim folder (append-only file).
 */
import { DatabaseEngine, StatefulDatabase } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { Pod } from './pod';
import { describeServers } from './preflight';

const PASSWORD = 'se"cr\\et $(x) pass';
const SECRET: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cache-credentials', namespace: 'shop' },
  data: { password: Buffer.from(PASSWORD).toString('base64') },
};

function render(): Manifest[] {
  const c = chart('shop');
  new StatefulDatabase(c, 'cache', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials' });
  return [...synth(c), SECRET];
}

describeServers('redis preset on a real server', ['redis-server', 'redis-cli'], () => {
  let cluster: ServerCluster;
  let pod: Pod;
  let client: Client;
  const cli = (args: string[], password = PASSWORD, host = 'cache') =>
    client.run(['redis-cli', '-h', host, '-p', '6379', ...args], { REDISCLI_AUTH: password });

  beforeAll(async () => {
    cluster = await ServerCluster.create(render());
    [pod] = await cluster.startStatefulSet('cache');
    client = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('starts as uid/gid 10001 on a read-only root, data on the claim, the password on no command line', async () => {
    expect((await pod.exec('cache', ['id', '-u'])).stdout.trim()).toBe('10001');
    const touch = await pod.exec('cache', ['touch', '/etc/x']);
    expect(touch.stderr).toMatch(/Read-only file system/);
    expect((await pod.exec('cache', ['sh', '-c', 'ls -n /data'])).stdout).toMatch(/appendonlydir/);
    const cmdline = (await pod.exec('cache', ['cat', '/proc/1/cmdline'])).stdout.split('\0').join(' ');
    expect(cmdline).toMatch(/^redis-server/);
    expect(cmdline).not.toContain('cr\\et');
  });

  test('readiness, liveness and startup commands succeed', async () => {
    expect(pod.ready).toBe(true);
    await expect(pod.probe('cache', 'readinessProbe')).resolves.toBe(true);
    await expect(pod.probe('cache', 'livenessProbe')).resolves.toBe(true);
    await expect(pod.probe('cache', 'startupProbe')).resolves.toBe(true);
  });

  test("a client in another namespace sets and gets a key with the Secret's password, and not without it", async () => {
    expect((await cli(['SET', 'cart:1', 'book'])).stdout.trim()).toBe('OK');
    expect((await cli(['GET', 'cart:1'], PASSWORD, 'cache-0.cache-headless.shop.svc.cluster.local')).stdout.trim()).toBe('book');
    expect((await cli(['GET', 'cart:1'], 'wrong')).stdout + (await cli(['GET', 'cart:1'], 'wrong')).stderr).toMatch(/WRONGPASS|NOAUTH/);
    expect((await client.run(['redis-cli', '-h', 'cache', 'GET', 'cart:1'])).stdout).toMatch(/NOAUTH/);
  });

  test('a restarted pod (new address, same claim) keeps the key', async () => {
    expect(await cluster.deletePod(pod)).toEqual([0]);
    pod = await cluster.startPod('cache', 0);
    expect((await cli(['GET', 'cart:1'])).stdout.trim()).toBe('book');
  });

  test('after a hard kill (SIGKILL, as the OOM killer does), a key written just before is loaded from the append-only file', async () => {
    expect((await cli(['SET', 'cart:2', 'pen'])).stdout.trim()).toBe('OK');
    pod.kill();
    await cluster.deletePod(pod);
    pod = await cluster.startPod('cache', 0);
    expect(pod.log('cache')).toMatch(/DB loaded from append only file/);
    expect((await cli(['MGET', 'cart:1', 'cart:2'])).stdout.trim().split('\n')).toEqual(['book', 'pen']);
  });
});
