// Docker cannot run here, so this runs the worker Dockerfile's build steps the way `docker build`
// would: each stage in its own empty directory, COPY from the repository (or an earlier stage),
// RUN with sh in the WORKDIR. It fails when any step fails, and ends by loading the final bundle.
import { execSync } from "node:child_process";
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dockerignore } from "./dockerignore.mjs";

const root = resolve(import.meta.dirname, "..");
const dockerfile = process.argv[2] ?? "packages/worker/Dockerfile";
// The build context as Docker sends it: .dockerignore read with Docker's own rules (scripts/dockerignore.mjs).
const ignored = dockerignore(readFileSync(join(root, ".dockerignore"), "utf8"));
const base = mkdtempSync(join(tmpdir(), "outreach-image-"));
const stages = new Map();
let stage;
let workdir = "/";
const pathIn = (s, p) => join(s.dir, p.startsWith("/") ? p : join(workdir, p));

const lines = readFileSync(join(root, dockerfile), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
try {
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    switch (op) {
      case "FROM": {
        const [, name] = args.split(/\s+as\s+/i);
        stage = { name: name ?? `stage${stages.size}`, dir: join(base, `stage${stages.size}`) };
        mkdirSync(stage.dir, { recursive: true });
        stages.set(stage.name, stage);
        workdir = "/";
        console.log(`# ${line}  (node ${process.version} stands in for the base image)`);
        break;
      }
      case "WORKDIR":
        workdir = args;
        mkdirSync(pathIn(stage, "."), { recursive: true });
        break;
      case "COPY": {
        const parts = rest.filter((p) => !p.startsWith("--"));
        const from = rest.find((p) => p.startsWith("--from="))?.slice(7);
        const dest = parts.pop();
        for (const src of parts) {
          const source = from ? join(stages.get(from).dir, src) : join(root, src);
          const target = dest.endsWith("/") || parts.length > 1 ? join(pathIn(stage, dest), src.split("/").pop()) : pathIn(stage, dest);
          cpSync(source, dest === "./" && from ? pathIn(stage, ".") : target, {
            recursive: true,
            // .dockerignore applies to the build context only, not to files from an earlier stage.
            filter: (p) => Boolean(from) || p.length <= root.length || !ignored(p.slice(root.length + 1)),
          });
        }
        console.log(`# ${line}`);
        break;
      }
      case "RUN": {
        // Absolute paths in the Dockerfile refer to the image's filesystem: map /app to the stage's copy.
        const cmd = args.replaceAll(" /app/", ` ${stage.dir}/app/`);
        console.log(`# RUN ${args}`);
        execSync(cmd, { cwd: pathIn(stage, "."), stdio: "inherit", env: { ...process.env, npm_config_loglevel: "error" } });
        break;
      }
      case "CMD": {
        const argv = JSON.parse(args);
        console.log(`# CMD ${args} (checked with --check)`);
        execSync([...argv, "--check"].map((a) => JSON.stringify(a)).join(" "), { cwd: pathIn(stage, "."), stdio: "inherit" });
        break;
      }
      default:
        console.log(`# ${line}`);
    }
  }
  // The task runs on arm64 while the image may be built elsewhere: the final stage must hold no native
  // code (no .node addon, no ELF binary), or it would only run on the builder's architecture.
  const native = nativeFiles(stage.dir);
  if (native.length) throw new Error(`the image holds native code, which ties it to one architecture: ${native.join(", ")}`);
  console.log("# no native code in the final stage: the image runs on arm64 and x86_64");
  console.log("worker image contents: OK");
} finally {
  rmSync(base, { recursive: true, force: true });
}

function nativeFiles(dir) {
  const found = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const head = Buffer.alloc(4);
    const fd = openSync(path, "r");
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    if (e.name.endsWith(".node") || head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) found.push(path.slice(dir.length));
  }
  return found;
}
