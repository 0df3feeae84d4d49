/**
 * The lane WebSocket's framing (lib/wire/lane.ts): what the server accepts as a request, and that an answer's
 * head and body come apart exactly as they were put together, whatever the body holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { laneAnswerText, parseLaneAnswer, parseLaneMessage } from "@/lib/wire/lane";

describe("lane framing", () => {
  it("reads requests and cancels, and says why anything else is not one", () => {
    expect(parseLaneMessage('{"id":3,"method":"POST","path":"/api/c/x/key","body":{"key":"YQ=="}}')).toEqual({
      request: { id: 3, method: "POST", path: "/api/c/x/key", body: { key: "YQ==" } },
    });
    expect(parseLaneMessage('{"cancel":3}')).toEqual({ cancel: 3 });
    expect(parseLaneMessage("{oops")).toMatchObject({ id: null, invalid: expect.stringContaining("JSON") });
    expect(parseLaneMessage("[1]")).toMatchObject({ id: null });
    expect(parseLaneMessage('{"cancel":"3"}')).toMatchObject({ id: null });
    expect(parseLaneMessage('{"id":1.5,"method":"GET","path":"/api/x"}')).toMatchObject({ id: null });
    expect(parseLaneMessage('{"id":9007199254740993,"method":"GET","path":"/api/x"}')).toMatchObject({ id: null });
    expect(parseLaneMessage('{"id":4,"method":"DELETE","path":"/api/x"}')).toMatchObject({ id: 4, invalid: expect.stringContaining("method") });
    expect(parseLaneMessage('{"id":4,"method":"GET","path":"/login"}')).toMatchObject({ id: 4, invalid: expect.stringContaining("path") });
    expect(parseLaneMessage(JSON.stringify({ id: 4, method: "GET", path: `/api/${"a".repeat(9000)}` }))).toMatchObject({ id: 4 });
  });

  it("gives back an answer's head and body unchanged", () => {
    fc.assert(
      fc.property(fc.option(fc.nat(), { nil: null }), fc.integer({ min: 100, max: 599 }), fc.jsonValue(), (id, status, value) => {
        const body = JSON.stringify(value);
        const parsed = parseLaneAnswer(laneAnswerText({ id, status, timing: "app;dur=1.00" }, body));
        expect(parsed).toEqual({ head: { id, status, timing: "app;dur=1.00" }, body });
      }),
    );
    expect(parseLaneAnswer("no head")).toBeNull();
    expect(parseLaneAnswer('{"id":1}\n{}')).toBeNull();
  });
});
