#!/usr/bin/env node
// Adds lock entries for platform-specific optional dependencies (native binaries of biome,
// rollup, …) that a registry could not serve while the lock file was written. Without them,
// `npm ci` refuses the lock file as out of sync; with them, each platform installs its own binary
// and skips the others by their os/cpu/libc fields.
// Usage: node scripts/complete-lockfile.mjs [package-lock.json]
import { readFileSync, writeFileSync } from 'node:fs';

const OS = /(android|darwin|freebsd|linux|netbsd|openbsd|openharmony|sunos|aix|win32)/;
const CPU = /(arm64|x64|ia32|arm|loong64|ppc64|riscv64|s390x|wasm32)/;

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const entry of Object.values(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`]) continue;
    const os = OS.exec(name)?.[1];
    const cpu = CPU.exec(
      name
        .split('/')
        .pop()
        .replace(os ?? '', ''),
    )?.[1];
    const added_ = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    if (os) added_.os = [os];
    if (cpu) added_.cpu = [cpu];
    if (os === 'linux') added_.libc = [name.includes('musl') ? 'musl' : 'glibc'];
    packages[`node_modules/${name}`] = added_;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries to ${path}`);
