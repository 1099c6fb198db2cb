import { describe, expect, it } from "vitest";
import { cleanKeywords, compile, fold } from "./match";

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
