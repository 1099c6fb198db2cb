import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "@outreach/api/app";
import openapiTS, { astToString } from "openapi-typescript";

/** Where the generated types live (committed, so a fresh clone type-checks; a test fails when they are stale). */
export const SCHEMA_FILE = fileURLToPath(new URL("./openapi.ts", import.meta.url));

const HEADER = `/**
 * Generated from the OpenAPI document of @outreach/api by \`npm run generate -w @outreach/client\`.
 * Do not edit: change the routes' zod schemas and generate again.
 */

`;

/** The TypeScript types (`paths`, `components`, `operations`) of the API as it is now. */
export const generate = async () => `${HEADER}${astToString(await openapiTS(openApiDocument() as never, { alphabetize: true }))}`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generate();
  const check = process.argv.includes("--check");
  const current = (() => {
    try {
      return readFileSync(SCHEMA_FILE, "utf8");
    } catch {
      return "";
    }
  })();
  if (check) {
    if (current !== text) {
      console.error(`${SCHEMA_FILE} is stale: run npm run generate -w @outreach/client`);
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
