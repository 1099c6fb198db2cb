import { describe, expect, it } from "vitest";
import { type AddResult, importCsv } from "./import";

/** A stand-in for the API's members/add that refuses numbers without enough digits, as the server does. */
const server = () => {
  const calls: number[] = [];
  const seen = new Set<string>();
  const add = async (contacts: { phone: string }[]): Promise<AddResult> => {
    calls.push(contacts.length);
    const r: AddResult = { added: 0, duplicates: 0, invalid: [] };
    for (const c of contacts) {
      if (c.phone.replace(/\D/g, "").length < 8) r.invalid.push({ phone: c.phone, reason: "invalid_number" });
      else if (seen.has(c.phone)) r.duplicates++;
      else {
        seen.add(c.phone);
        r.added++;
      }
    }
    return r;
  };
  return { add, calls };
};

describe("importCsv", () => {
  it("sends 1,000-row requests and traces invalid numbers back to their rows", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `+55119${String(10_000_000 + i)};Person ${i}`);
    rows[41] = "12345;short"; // row 43 with the header
    rows[1999] = "abc;letters";
    const text = `\uFEFFphone;name\r\n${rows.join("\r\n")}\r\n`;
    const s = server();
    const progress: number[] = [];
    const r = await importCsv(text, s.add, (sent) => progress.push(sent));
    expect(s.calls).toEqual([1000, 1000, 499]);
    expect(progress).toEqual([0, 1000, 2000, 2499]);
    expect(r.rows).toBe(2500);
    expect(r.added).toBe(2498);
    expect(r.invalid.map((x) => x.row)).toEqual([43, 2001]);
  });

  it("reads a header-less comma file and counts duplicates", async () => {
    const s = server();
    const r = await importCsv("+551199990001,Ana\n+551199990001,Ana again\n+551199990002\n", s.add);
    expect(r).toMatchObject({ rows: 3, added: 2, duplicates: 1, invalid: [] });
    // The repeated row is named, with the row it repeats: the counts add up to the rows read.
    expect(r.repeated).toEqual([{ row: 2, value: "+551199990001", first_row: 1 }]);
    expect(r.added + r.duplicates + r.invalid.length).toBe(r.rows);
  });

  it("refuses more than 100,000 rows before sending anything", async () => {
    const s = server();
    const text = Array.from({ length: 100_001 }, (_, i) => `+5511${90000000 + i}`).join("\n");
    await expect(importCsv(text, s.add)).rejects.toThrow(/at most 100,000/);
    expect(s.calls).toEqual([]);
  });
});
