/**
 * A web tier connected to a database (web.connectTo(db)): both generated as in
 * their own properties, plus the faults of the wiring: a bad env prefix, a
 * variable the client already has, a node port both ask for.
 */
import * as fc from 'fast-check';
import { ServiceType, StatefulDatabaseProps, StatelessWebTierProps } from '../src';
import { envPrefixFor } from '../src/_connection';
import { EnvValue } from '../src/env';
import { Fault, faulty, VALID_WEIGHT, word } from './arbitraries';
import { DbCase, dbCase } from './arbitraries-db';
import { WebCase, webCase } from './arbitraries-web';

/** One connected pair, ready to build. */
export interface PairCase {
  readonly web: WebCase;
  readonly db: DbCase;
  readonly envPrefix?: string;
  readonly faults: readonly Fault[];
}

const CONNECT = 'connectTo(test/db).env';

export const pairCase: fc.Arbitrary<PairCase> = fc
  .record({
    web: webCase,
    db: dbCase,
    envPrefix: fc.option(
      fc.tuple(word('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1, 1), word('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_', 0, 10)).map(([a, b]) => `${a}${b}`),
      { nil: undefined },
    ),
    fault: fc.oneof(
      { weight: VALID_WEIGHT / 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('prefix', 'env-clash', 'node-port', 'same-name') },
    ),
    badPrefix: fc.constantFrom('1X', 'A B', 'X=Y'),
  })
  .map((r): PairCase => {
    const faults: Fault[] = [...r.web.faults, ...r.db.faults];
    let web: StatelessWebTierProps = r.web.props;
    let db: StatefulDatabaseProps = r.db.props;
    let envPrefix = r.envPrefix;
    const webNs = web?.namespace;
    const dbNs = db.namespace;
    const webName = web?.name ?? 'web';
    // two tiers of one name in one namespace would write two Services of that name: keep them apart
    if (web !== undefined && webName === (db.name ?? 'db') && webNs === dbNs) db = { ...db, name: `${String(db.name).slice(0, 48)}-db` };
    // two node ports asked for by both would clash: keep them apart unless injected
    if (web?.nodePort !== undefined && web.nodePort === db.nodePort) db = { ...db, nodePort: db.nodePort === 32767 ? 30000 : db.nodePort + 1 };
    switch (r.fault) {
      case 'prefix':
        envPrefix = r.badPrefix;
        faults.push(...faulty(envPrefix, CONNECT, true, 'bad envPrefix').faults);
        break;
      case 'env-clash': {
        const prefix = envPrefix ?? envPrefixFor(typeof db.name === 'string' ? db.name : 'db');
        if (web !== undefined && (web.env === undefined || (typeof web.env === 'object' && web.env !== null))) {
          web = { ...web, env: { ...web.env, [`${prefix}_HOST`]: EnvValue.fromValue('elsewhere') } };
          faults.push(...faulty(`${prefix}_HOST`, CONNECT, true, 'client already has the variable').faults);
        }
        break;
      }
      case 'same-name':
        // both tiers named alike in one namespace: their Services (and more) would overwrite each other
        if (web !== undefined) {
          web = { ...web, name: 'shop', namespace: 'shop' };
          db = { ...db, name: 'shop', namespace: 'shop' };
          faults.push(...faulty('shop', 'name', true, 'two tiers of one name').faults);
        }
        break;
      case 'node-port':
        if (web !== undefined && (web.serviceType ?? ServiceType.NODE_PORT) === ServiceType.NODE_PORT) {
          web = { ...web, nodePort: 30500 };
          db = { ...db, serviceType: ServiceType.NODE_PORT, nodePort: 30500 };
          faults.push(...faulty(30500, 'nodePort', true, 'node port of both').faults);
        }
        break;
    }
    return { web: { ...r.web, props: web }, db: { ...r.db, props: db }, envPrefix, faults };
  });
