import type { Normalize, PhoneResult } from "../phone";

let source: (() => Promise<Normalize>) | undefined;
let loading: Promise<Normalize> | undefined;

/**
 * Where `normalize` (`../phone`: E.164 with libphonenumber's `/max` tables, ≈ 195 KiB minified) comes
 * from in the domain code that the Lambdas share. A process that reads phone numbers — the API
 * (`createApp`), the session host — provides it once, as a dynamic import of `@outreach/core/phone`:
 * bundled with code splitting, the tables are then a chunk that a cold start does not load, only the
 * first request or message that reads a number. The events and repair Lambdas read none and provide
 * nothing, so no file of their graph names the tables (esbuild makes every `import()` in a bundle's
 * graph a chunk beside it, even one in code it leaves out). The same function, so the same answers.
 */
export const providePhoneTables = (load: () => Promise<Normalize>) => {
  source ??= load;
};

/** `normalize`, its tables loaded at the first call. Refused where no tables were provided. */
export const loadNormalize = (): Promise<Normalize> => {
  if (!source) return Promise.reject(new Error("this process reads no phone numbers: no phone tables were provided (providePhoneTables)"));
  loading ??= source().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
};

/** `normalize(input)`, once its tables are loaded. */
export const normalizeAsync = async (input: unknown): Promise<PhoneResult> => (await loadNormalize())(input);
/** WhatsApp's chat id of a person: MoltFlow's `5511999999999@c.us` (also accepted: `@s.whatsapp.net`). */
export const chatIdOf = (e164: string) => `${e164.replace(/^\+/, "")}@c.us`;
