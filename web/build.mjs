// @ts-check
/**
 * Builds the console and GraphiQL into dist/web/ with Vite, unless nothing they are built from
 * changed since the last build (`npm start` and `npm test` run this every time: a restart should
 * not cost a bundle). The inputs are every file under web/ and the lockfile.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.dirname(webDir);
const outDir = path.join(projectDir, 'dist', 'web');
const stampFile = path.join(projectDir, 'dist', '.web-inputs.sha256');

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full);
      return entry.isFile() ? [full] : [];
    })
    .sort();
}

function inputsFingerprint() {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(webDir), path.join(projectDir, 'package-lock.json')]) {
    hash.update(path.relative(projectDir, file)).update('\0').update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

const fingerprint = inputsFingerprint();
const built =
  fs.existsSync(path.join(outDir, 'index.html')) &&
  fs.existsSync(stampFile) &&
  fs.readFileSync(stampFile, 'utf8') === fingerprint;

if (!built || process.argv.includes('--force')) {
  const { build } = await import('vite');
  await build({ configFile: path.join(webDir, 'vite.config.mts'), logLevel: 'warn' });
  fs.writeFileSync(stampFile, fingerprint);
}
