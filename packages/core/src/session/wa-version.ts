/** `OUTREACH_WA_VERSION` (`2.3000.1027934701`) as Baileys' `[major, minor, patch]`; undefined keeps Baileys' built-in version. */
export const parseWaVersion = (v: string | undefined): [number, number, number] | undefined => {
  if (v === undefined || v.trim() === "") return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new Error(`OUTREACH_WA_VERSION must look like 2.3000.1027934701 (three numbers), not "${v}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
