import { afterEach, vi } from "vitest";
import { createRecorder } from "./recorder";

/**
 * The shape of the AWS deployment, checked without AWS: `sst.config.ts`'s `run()` executes against
 * recorders of the `sst`/`aws` globals (see recorder.ts), and the tests assert what a careful operator
 * would look for in the resulting resources.
 */
export const configUrl = new URL("../../sst.config.ts", import.meta.url).href;

export const deploy = async (stage: string, env: Record<string, string> = {}, opts: { dev?: boolean } = {}) => {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rec = createRecorder({ stage, dev: opts.dev });
  rec.install();
  const mod = await import(/* @vite-ignore */ configUrl);
  // As SST does: `app()` first, and `run()` sees its `removal` and `protect` on `$app`.
  const app = mod.default.app({ stage });
  Object.assign((globalThis as any).$app, { removal: app.removal, protect: app.protect });
  const outputs = await mod.default.run();
  return { ...rec, outputs, app };
};

/** Installs the cleanup every infra test file needs: env stubs and the recorder's globals. */
export const cleanUpAfterEach = () =>
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const k of ["sst", "aws", "$config", "$app", "$dev", "$interpolate", "$jsonStringify", "$output"]) delete (globalThis as any)[k];
  });

export const seconds = (d: string) => {
  const m = /^(\d+) (second|minute)s?$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * (m[2] === "minute" ? 60 : 1);
};
