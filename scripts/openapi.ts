/**
 * Writes the OpenAPI document the app serves at /openapi.json to a file (default: a temp file), in
 * process, without a network or a store: `npm run lint:openapi` lints what this writes.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApiDocument } from "../packages/api/src/app/index.ts";

const out = process.argv[2] ?? join(tmpdir(), "outreach-openapi.json");
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(out);
