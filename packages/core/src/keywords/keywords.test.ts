import { describe, expect, it } from "vitest";
import { cleanKeywords, compile, compileLists, fold, foldMessage, MATCH_TEXT_CHARS, MAX_KEYWORDS } from ".";

describe("monitored-group keyword matching", () => {
  it("ignores case and accents", () => {
    const m = compile(["preço", "Cafe"]);
    expect(m("Qual o PRECO disso?")).toEqual(["preço"]);
    expect(m("um café, por favor")).toEqual(["Cafe"]);
  });
  it("matches whole words only, in any alphabet", () => {
    const m = compile(["price", "цена"]);
    expect(m("what is the price?")).toEqual(["price"]);
    expect(m("priceless advice")).toEqual([]);
    expect(m("Какая ЦЕНА?")).toEqual(["цена"]);
    expect(m("ценами")).toEqual([]);
  });
  it("matches phrases across any whitespace", () => {
    expect(compile(["looking for"])("I am Looking\n  for a plumber")).toEqual(["looking for"]);
  });
  it("matches Chinese and Japanese keywords as substrings", () => {
    const m = compile(["价格", "予約"]);
    expect(m("请问这个价格是多少")).toEqual(["价格"]);
    expect(m("明日の予約をお願いします")).toEqual(["予約"]);
    expect(m("价钱")).toEqual([]);
  });
  it("answers every keyword a message contains, in list order", () => {
    expect(compile(["buy", "price"])("price? I want to buy")).toEqual(["buy", "price"]);
  });
  it("cleans keyword lists: trimmed, non-empty, one spelling per folded form", () => {
    expect(cleanKeywords([" Price ", "price", "PRÍCE", "", "  ", "buy"])).toEqual(["Price", "buy"]);
    expect(fold("  Ça  VA ")).toBe("ca va");
  });
});

describe("bounded matching (issue 29)", () => {
  const hostile = Array.from({ length: 100 }, (_, i) => `${"a ".repeat(48)}a${String.fromCharCode(98 + (i % 24))}${i}`);
  // How long this takes is measured by `npm run bench -- keywords` (BENCHMARKS.md "Keyword matching"),
  // not here: a test asserts what is found, a benchmark how fast.
  it("finds the review's worst case (100 keywords × 100 characters, 64 KB message, two lists) and nested keywords", () => {
    const lists = compileLists([hostile, hostile.map((k) => `x${k}`)]);
    expect(lists.match(foldMessage("a ".repeat(32768)))).toEqual([[], []]);
    expect(lists.match(foldMessage(`${"a ".repeat(100)}${hostile[3]}`))).toEqual([[hostile[3]], []]);
    const nested = compileLists([Array.from({ length: 100 }, (_, i) => "a".repeat(i + 1))]);
    const words = `${"a".repeat(100)} `.repeat(160);
    expect(nested.match(foldMessage(words))[0]).toEqual(["a".repeat(100)]);
  });

  it("answers each list's keywords from one pass", () => {
    const m = compileLists([["price", "价格"], ["buy"], ["price"]]);
    expect(m.match(foldMessage("PRICE? 请问价格，I buy"))).toEqual([["price", "价格"], ["buy"], ["price"]]);
    expect(m.match(foldMessage("priceless"))).toEqual([[], [], []]);
  });

  it("reads only the first MATCH_TEXT_CHARS characters and MAX_KEYWORDS keywords of a list", () => {
    const m = compile(["needle"]);
    expect(m(`${"x ".repeat(MATCH_TEXT_CHARS / 2 - 4)}needle`)).toEqual(["needle"]);
    expect(m(`${"x ".repeat(MATCH_TEXT_CHARS / 2)}needle`)).toEqual([]);
    const many = Array.from({ length: MAX_KEYWORDS + 1 }, (_, i) => `k${i}`);
    expect(compile(many)(`k0 k${MAX_KEYWORDS}`)).toEqual(["k0"]);
  });

  it("keeps word boundaries next to characters outside the basic plane", () => {
    expect(compile(["ok"])("𝐀ok 😀ok")).toEqual(["ok"]);
    expect(compile(["ok"])("𝐀ok")).toEqual([]);
  });
});
