/** Before the real-server suites: remove namespaces a killed earlier run left behind (the harness's own, by prefix). */
import { removeStaleNamespaces } from './net';

export default async function globalSetup(): Promise<void> {
  const stale = await removeStaleNamespaces().catch(() => []);
  if (stale.length) console.warn(`removed ${stale.length} stale test namespaces: ${stale.join(', ')}`);
}
