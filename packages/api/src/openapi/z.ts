import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { ZodType } from "zod";

/**
 * zod with `.openapi()` on every schema: import it as a namespace (`import * as z from "../openapi/z"`).
 * Only `ZodType` is given to `extendZodWithOpenApi` (the one export it extends), and the namespace is
 * never used as a value, so a bundle keeps only the parts of zod the API calls. Passing zod's whole
 * namespace anywhere (or `import { z } from "zod"`, which is that namespace as a value) would make it
 * keep every export, among them its ~40 locales: ≈ 350 KiB more at each API cold start.
 */
extendZodWithOpenApi({ ZodType } as unknown as Parameters<typeof extendZodWithOpenApi>[0]);

export * from "zod";
