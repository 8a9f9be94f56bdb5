/**
 * A small tmpfs to fill up, for full-disk tests. Mounting needs root (as in CI and the dev
 * container); elsewhere `tmpfsSkipReason` says why the test is skipped.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs (the full-disk tests run as root in CI)';
  const probe = mkdtempSync(join(tmpdir(), 'runbook-tmpfs-probe-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return mounted ? undefined : 'mount -t tmpfs failed (a container without CAP_SYS_ADMIN?)';
}

/** Why full-disk tests cannot run here, or undefined when they can. */
export const tmpfsSkipReason = canMount();

/** Mounts a tmpfs of `size` (e.g. "1m") on a fresh folder, unmounted when the test ends. */
export function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-tmpfs-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) throw new Error(`mount tmpfs on ${dir}: ${mount.stderr}`);
  onTestFinished(() => {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
export function fillDisk(dir: string): string {
  const path = join(dir, 'filler');
  spawnSync('sh', ['-c', `cat /dev/zero > '${path}'`]);
  return path;
}
