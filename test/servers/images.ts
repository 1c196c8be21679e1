/**
 * What an image gives a container that the pod spec does not: its entrypoint,
 * its default command, its env and working folder. Debian's packages stand in
 * for the images' binaries; README ("Real-server tests") says what differs.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ImageRuntime {
  /** ENTRYPOINT, or empty when the image has none for the harness (the pod must give a command). */
  readonly entrypoint: string[];
  /** CMD. */
  readonly cmd: string[];
  /** ENV, before the pod's env. */
  readonly env: { [name: string]: string };
  /** WORKDIR. */
  readonly workingDir: string;
  /** STOPSIGNAL, which containerd and CRI-O send on stop. @default "SIGTERM" */
  readonly stopSignal?: NodeJS.Signals;
  /** Files of the image that this machine lacks: path in the image → the stand-in in this repository. @default - none */
  readonly files?: { [target: string]: string };
}

const DEBIAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ENTRYPOINTS = path.join(__dirname, 'entrypoints');

/** The PostgreSQL major version Debian installed (its binaries are under /usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length) throw new Error('no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)');
  return `${root}/${majors[0]}/bin`;
}

/** The runtime of `image` (matched by repository: the tag is not what runs, Debian's version is). */
export function imageRuntime(image: string): ImageRuntime {
  const repository = image
    .split('@')[0]
    .replace(/:[^/:]+$/, '')
    .split('/')
    .pop();
  switch (repository) {
    case 'postgres':
      // the official image: ENTRYPOINT ["docker-entrypoint.sh"], CMD ["postgres"], PGDATA=/var/lib/postgresql/data,
      // STOPSIGNAL SIGINT (fast shutdown: SIGTERM's smart shutdown would wait for every client to leave)
      return {
        stopSignal: 'SIGINT',
        entrypoint: ['docker-entrypoint.sh'],
        files: { '/usr/local/bin/docker-entrypoint.sh': path.join(ENTRYPOINTS, 'postgres-entrypoint.sh') },
        cmd: ['postgres'],
        env: { PATH: `${DEBIAN_PATH}:${postgresBin()}`, PGDATA: '/var/lib/postgresql/data', LANG: 'C.UTF-8' },
        workingDir: '/',
      };
    case 'redis':
      // the official image: ENTRYPOINT ["docker-entrypoint.sh"], CMD ["redis-server"], WORKDIR /data; no stand-in
      // for its entrypoint (it only prepends redis-server and drops root with gosu): the pod must give a command
      return { entrypoint: [], cmd: ['redis-server'], env: { PATH: DEBIAN_PATH }, workingDir: '/data' };
    default:
      return exporterRuntime(repository) ?? unknownImage(image);
  }
}

/**
 * The Prometheus exporters: Debian's packages of the same programs (prometheus-postgres-exporter,
 * prometheus-redis-exporter) stand in for the images, whose ENTRYPOINT is the exporter itself
 * (postgres-exporter: ["/bin/postgres_exporter"], redis_exporter: ["/redis_exporter"]) with no CMD.
 */
function exporterRuntime(repository: string | undefined): ImageRuntime | undefined {
  const binaries: { [repository: string]: string } = {
    'postgres-exporter': 'prometheus-postgres-exporter',
    redis_exporter: 'prometheus-redis-exporter',
  };
  const binary = repository === undefined ? undefined : binaries[repository];
  return binary === undefined ? undefined : { entrypoint: [binary], cmd: [], env: { PATH: DEBIAN_PATH }, workingDir: '/' };
}

function unknownImage(image: string): never {
  throw new Error(`the real-server harness has no stand-in for image "${image}" (it knows postgres, redis and the exporters)`);
}
