/**
 * A scratch CDK app in a temporary directory that installs this package's tarball the way another
 * team would, but offline: its lockfile is cut from this repository's own, so `npm ci --offline`
 * takes aws-cdk-lib, constructs and their dependencies from the npm cache `npm ci` filled here.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly [key: string]: unknown;
}

/** The entries a set of root dependencies needs, resolved as npm resolves node_modules paths. */
export function lockEntriesFor(
  lock: { packages: Record<string, LockEntry> },
  roots: readonly string[],
): Record<string, LockEntry> {
  const picked: Record<string, LockEntry> = {};
  const visit = (from: string, name: string) => {
    // node_modules lookup: the package's own node_modules first, then each ancestor's.
    let base = from;
    for (;;) {
      const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      const entry = lock.packages[path];
      if (entry !== undefined) {
        if (picked[path] !== undefined) return;
        const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
        picked[path] = kept;
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
          visit(path, dep);
        }
        return;
      }
      if (base === '') throw new Error(`the lockfile has no ${name} reachable from ${from}`);
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  for (const root of roots) visit('', root);
  return picked;
}

/** What {@link writeScratchApp} needs. */
export interface ScratchAppOptions {
  readonly directory: string;
  /** This repository's package-lock.json. */
  readonly repositoryLock: string;
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** The app's files, by name. */
  readonly files: Readonly<Record<string, string>>;
}

/** Writes package.json, package-lock.json, the tarball and the app's files. */
export function writeScratchApp(options: ScratchAppOptions): void {
  const lock = JSON.parse(readFileSync(options.repositoryLock, 'utf8'));
  const tarballName = basename(options.tarball);
  copyFileSync(options.tarball, join(options.directory, tarballName));
  const ours = JSON.parse(
    spawnSync('tar', ['-xzOf', options.tarball, 'package/package.json'], { encoding: 'utf8' })
      .stdout,
  );
  const cdk = lockEntriesFor(lock, ['aws-cdk-lib', 'constructs']);
  const dependencies = {
    'aws-cdk-lib': cdk['node_modules/aws-cdk-lib']?.version ?? '',
    constructs: cdk['node_modules/constructs']?.version ?? '',
    [ours.name]: `file:${tarballName}`,
  };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(options.tarball)).digest('base64')}`;
  const manifest = { name: 'scratch-cdk-app', version: '1.0.0', private: true, type: 'module' };
  writeFileSync(
    join(options.directory, 'package.json'),
    JSON.stringify({ ...manifest, dependencies }, null, 2),
  );
  writeFileSync(
    join(options.directory, 'package-lock.json'),
    JSON.stringify(
      {
        name: manifest.name,
        version: manifest.version,
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { ...manifest, dependencies },
          ...cdk,
          [`node_modules/${ours.name}`]: {
            version: ours.version,
            resolved: `file:${tarballName}`,
            integrity,
            license: ours.license,
            peerDependencies: ours.peerDependencies,
            engines: ours.engines,
            // npm ci links bins from the lockfile's record, as npm install would write it.
            bin: ours.bin,
          },
        },
      },
      null,
      2,
    ),
  );
  for (const [name, text] of Object.entries(options.files)) {
    writeFileSync(join(options.directory, name), text);
  }
}
