import { describe, expect, it } from "vitest";
import { parseContacts } from "./csv";

describe("CSV contacts", () => {
  it("reads phone,name with a header, a BOM, CRLF and quoted names", () => {
    const r = parseContacts('\uFEFFphone,name\r\n+5511999990001,Ana\r\n+5511999990002,"Smith, ""Jr"""\r\n\r\n+5511999990003,\r\n');
    expect(r).toMatchObject({ separator: ",", header: true, invalid: [] });
    expect(r.contacts).toEqual([
      { line: 2, phone: "+5511999990001", name: "Ana" },
      { line: 3, phone: "+5511999990002", name: 'Smith, "Jr"' },
      { line: 5, phone: "+5511999990003", name: null },
    ]);
  });

  it("reads ; separated files without a header, and reports rows without a phone by line", () => {
    const r = parseContacts("+55 11 99999-0001;Ana\n;nobody\nabc;Bob\n005511999990004;Zé\n");
    expect(r).toMatchObject({ separator: ";", header: false });
    expect(r.contacts.map((c) => [c.line, c.phone, c.name])).toEqual([
      [1, "+55 11 99999-0001", "Ana"],
      [4, "005511999990004", "Zé"],
    ]);
    expect(r.invalid).toEqual([
      { line: 2, value: ";nobody", reason: "no phone number" },
      { line: 3, value: "abc;Bob", reason: "not a phone number" },
    ]);
  });

  it("finds the columns by their header names, in any order, and counts lines inside quoted newlines", () => {
    const r = parseContacts('name\tphone\n"Ana\nMaria"\t+5511999990001\nBob\t+5511999990002\n');
    expect(r.separator).toBe("\t");
    expect(r.contacts).toEqual([
      { line: 2, phone: "+5511999990001", name: "Ana\nMaria" },
      { line: 4, phone: "+5511999990002", name: "Bob" },
    ]);
  });
});

describe("CSV columns beyond phone and name", () => {
  it("turns them into custom fields named by the header, and a mapping can skip one or choose the columns", () => {
    const text = "Nome;Telefone;City;Plan\nAna Souza;+5511999990001;Campinas;\nBob;+5511999990002;Rio;gold\n";
    const r = parseContacts(text);
    expect(r.columns.map((c) => [c.header, c.role])).toEqual([
      ["Nome", "name"],
      ["Telefone", "phone"],
      ["City", "field"],
      ["Plan", "field"],
    ]);
    expect(r.contacts).toEqual([
      { line: 2, phone: "+5511999990001", name: "Ana Souza", fields: { City: "Campinas" } },
      { line: 3, phone: "+5511999990002", name: "Bob", fields: { City: "Rio", Plan: "gold" } },
    ]);
    const mapped = parseContacts(text, { skip: [3], name: null });
    expect(mapped.columns.map((c) => c.role)).toEqual(["field", "phone", "field", "skip"]);
    expect(mapped.contacts[0]).toEqual({ line: 2, phone: "+5511999990001", name: null, fields: { Nome: "Ana Souza", City: "Campinas" } });
  });
});
