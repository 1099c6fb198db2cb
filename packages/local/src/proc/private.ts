import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The local runtime's data is private to its user (issue 29: DynamoDB Local's file, which holds
 * webhook secrets and message texts, was 0644 in a 0755 directory): the directory and every
 * directory under it 0700, every file 0600, including those an earlier version left readable.
 */
export const privateDir = (dir: string) => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tighten = (d: string) => {
    chmodSync(d, 0o700);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) tighten(p);
      else if (e.isFile()) chmodSync(p, 0o600);
    }
  };
  tighten(dir);
};

/**
 * The command line that starts `cmd` with umask 077, so what it creates (DynamoDB Local's database and
 * its journals) is readable by this user only. Windows has no umask: the command as it is.
 */
export const withPrivateUmask = (cmd: string, args: string[]): [string, string[]] =>
  process.platform === "win32" ? [cmd, args] : ["/bin/sh", ["-c", 'umask 077 && exec "$0" "$@"', cmd, ...args]];
