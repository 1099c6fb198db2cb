#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like the rest of the workspace (`npx outreach …`).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
