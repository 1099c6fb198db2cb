import { readFileSync } from "node:fs";
import { runChild } from "./child";

/** A fenced block of a Markdown file: its info string (`bash`, `sh norun`, …) and its text. */
export interface Fence {
  info: string;
  code: string;
}

/** Every fenced block of a Markdown text, in order. */
export const fences = (markdown: string): Fence[] =>
  [...markdown.matchAll(/^```([^\n`]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: (m[1] as string).trim(), code: m[2] as string }));

/** The fenced `bash` blocks of a Markdown file, in order (the ones its tests run). */
export const bashBlocks = (markdown: string) =>
  fences(markdown)
    .filter((f) => f.info === "bash")
    .map((f) => f.code);

export const readText = (path: string) => readFileSync(path, "utf8");

/**
 * Runs blocks in one bash shell, in order, as a reader would paste them: `set -euo pipefail`, and
 * every `curl` is `--fail-with-body` so a non-2xx answer fails its block. `::block N` marks where each
 * starts in stdout; the commands curl ran are appended to `log` when given.
 */
export const runBlocks = (blocks: string[], env: Record<string, string>, opts: { log?: string; cwd?: string } = {}) => {
  const script = [
    "set -euo pipefail",
    `curl() { ${opts.log ? `echo "$*" >> ${JSON.stringify(opts.log)}; ` : ""}command curl --fail-with-body "$@"; }`,
    ...blocks.flatMap((b, i) => [`echo "::block ${i}"`, b]),
    'echo "::done"',
  ].join("\n");
  return runChild("bash", ["-c", script], { env: { ...process.env, ...env }, cwd: opts.cwd });
};
