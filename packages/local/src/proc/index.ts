import { readFileSync } from "node:fs";

/**
 * Whether `pid` is a live process whose command line contains one of `words`. Without /proc (macOS)
 * a live pid is trusted: the pid files it comes from were written by us for this data directory.
 */
export const runs = (pid: number, words: string[]) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return words.some((w) => cmd.includes(w));
  } catch {
    return true;
  }
};
