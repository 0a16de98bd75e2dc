import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** How long one `next build` may take before the test setup gives up. */
export const NEXT_BUILD_TIMEOUT_MS = 180_000;

/** The newest modification time under `path` (a file or a folder), skipping build output. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    if (entry.name === 'next-env.d.ts' || entry.name.endsWith('.tsbuildinfo')) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

/**
 * Runs `next build` in `dir` when its `.next` output is missing or older than what it is built
 * from: the app's own files, `inputs` (paths from the repository root) and hookflow's `dist/`
 * (which the app imports by name, through the package's `exports`). Bounded by
 * {@link NEXT_BUILD_TIMEOUT_MS}; rejects with the end of the build log when the build fails.
 *
 * @param dir - the app's folder, absolute.
 * @param inputs - other sources the app imports, relative to the repository root.
 */
export async function ensureNextBuild(dir: string, inputs: string[] = []): Promise<void> {
  const buildId = join(dir, '.next', 'BUILD_ID');
  const sources = [dir, join(root, 'dist'), join(root, 'node_modules/next/package.json')];
  for (const input of inputs) sources.push(join(root, input));
  if (existsSync(buildId)) {
    const built = statSync(buildId).mtimeMs;
    if (sources.every((source) => newest(source) <= built)) return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: NEXT_BUILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`next build in ${dir} failed (${signal ?? `exit ${code}`}):\n${log}`));
    });
  });
}
