import { describe, expect, it } from "vitest";
import { isStopMessage } from ".";

describe("stop words", () => {
  it.each(["STOP", "stop", " Stop. ", "UNSUBSCRIBE", "退订", "取消订阅", "取消订阅！"])("%j opts out", (t) => expect(isStopMessage(t)).toBe(true));
  it.each(["stop please", "don't stop", "STOPP", "", "退订了吗"])("%j does not", (t) => expect(isStopMessage(t)).toBe(false));
});
