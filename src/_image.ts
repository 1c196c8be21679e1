/**
 * The registry part of an image reference, and the rewrite of a platform's
 * image registry (a mirror): the registry is replaced, the repository path,
 * tag and digest are kept. Docker Hub names are normalised first, as Docker
 * and containerd read them: `nginx:1.27` is `docker.io/library/nginx:1.27`,
 * `bitnami/redis:7.4` is `docker.io/bitnami/redis:7.4`, so with the registry
 * `mirror.example.com` they become `mirror.example.com/library/nginx:1.27` and
 * `mirror.example.com/bitnami/redis:7.4` (Bitnami's `global.imageRegistry`
 * does the same: it replaces the registry and keeps the repository,
 * `bitnami/postgresql`).
 */
import { Problems } from './_errors';
import { isString } from './_rules';

const DOMAIN = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** host[:port][/path], after the distribution reference grammar. */
const REGISTRY = new RegExp(`^${DOMAIN}(?::[0-9]{1,5})?(?:/${PATH_COMPONENT})*$`);

/** Whether the first component of a reference names a registry (Docker's rule: a "." or ":" in it, or "localhost"). */
function isRegistryComponent(c: string): boolean {
  return c.includes('.') || c.includes(':') || c === 'localhost';
}

/**
 * A registry host[:port][/path] that Docker reads as a registry (with a "." or a
 * port, or `localhost`: `mirror/x` would be the Docker Hub user "mirror").
 */
export function isImageRegistry(v: unknown): v is string {
  if (!isString(v) || v.length > 255) return false;
  if (!REGISTRY.test(v)) return false;
  const host = v.split('/')[0];
  const port = host.includes(':') ? Number(host.slice(host.indexOf(':') + 1)) : undefined;
  return isRegistryComponent(host) && (port === undefined || (port >= 1 && port <= 65535));
}

/** Checks an image registry; returns whether it is one. */
export function checkImageRegistry(problems: Problems, prop: string, value: unknown): boolean {
  return (
    isImageRegistry(value) ||
    problems.fail({
      prop,
      value,
      rule: 'must be an image registry: a host with a "." or a port (or "localhost"), an optional ":port" and an optional "/path", without a scheme or a trailing "/"',
      fix: 'write it like "mirror.example.com", "registry.internal:5000" or "harbor.example.com/dockerhub"',
    })
  );
}

/** The repository path of `image` without its registry, Docker Hub names normalised (`nginx:1.27` is `library/nginx:1.27`). */
function withoutRegistry(image: string): string {
  const slash = image.indexOf('/');
  const first = slash >= 0 ? image.slice(0, slash) : '';
  if (slash >= 0 && isRegistryComponent(first)) {
    const rest = image.slice(slash + 1);
    const dockerHub = first === 'docker.io' || first === 'index.docker.io' || first === 'registry-1.docker.io';
    return dockerHub && !rest.includes('/') ? `library/${rest}` : rest;
  }
  return slash >= 0 ? image : `library/${image}`;
}

/** `image` pulled from `registry` instead (tag and digest kept); `image` as it is without a registry. */
export function withRegistry(image: string, registry: string | undefined): string {
  if (registry === undefined || !isString(image)) return image;
  return `${registry}/${withoutRegistry(image)}`;
}
