import { type Context, Hono } from "hono";

/** The console's built files (`@outreach/console`'s build): index page and content-hashed assets. */
export interface ConsoleAssets {
  index: string;
  files: Record<string, { body: string; type: string }>;
}

/**
 * The console's Content-Security-Policy: its own script and stylesheet only (no inline code, no
 * other origin), API calls to this origin, QR codes as data: images. Tenant- and contact-supplied
 * text is rendered as text by the app; this is the second fence.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONSOLE_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/**
 * `/console`: the web console, a single-page app on the public API (it signs in with an API key and
 * calls `/api/v2` like any client). Every path that is not an asset answers the page, which routes in
 * the browser. The headers are set here, for the console only; the API's own answers are unchanged.
 */
export const consoleRoutes = (source: ConsoleAssets | (() => Promise<ConsoleAssets>)) => {
  let loading: Promise<ConsoleAssets> | undefined;
  const load = () => {
    if (!loading) {
      loading = typeof source === "function" ? source() : Promise.resolve(source);
      // A failed load is tried again at the next request.
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.header(k, v);
  });
  app.get("/assets/:file", async (c) => {
    const assets = await load();
    // Own names only: `__proto__`, `constructor`, `toString` are the object's, not files (they answered 500).
    const name = c.req.param("file");
    const file = Object.hasOwn(assets.files, name) ? assets.files[name] : undefined;
    if (!file) return c.text("Not found", 404, { "Cache-Control": "no-store" });
    return c.body(file.body, 200, { "Content-Type": file.type, "Cache-Control": "public, max-age=31536000, immutable" });
  });
  const page = async (c: Context) => c.html((await load()).index, 200, { "Cache-Control": "no-cache" });
  app.get("/", page);
  app.get("/*", page);
  return app;
};
