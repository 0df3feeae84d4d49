import { describe, expect, it } from "vitest";
import { loginPathFor, safeNextPath } from "@/lib/auth/next-path";

describe("safeNextPath", () => {
  it("keeps a same-site path with its query and fragment", () => {
    expect(safeNextPath("/c/abc?q=user%3A*&key=dXNlcjox#value")).toBe("/c/abc?q=user%3A*&key=dXNlcjox#value");
    expect(safeNextPath("/")).toBe("/");
  });

  it("turns everything else into /", () => {
    for (const next of [undefined, "", ["/a", "/b"], "c/abc", "//evil.example", "/\\evil.example", "/\t/evil.example", "/ x", "http://x/", "/a/./b", "/x".repeat(3000)]) {
      expect(safeNextPath(next)).toBe("/");
    }
  });
});

describe("loginPathFor", () => {
  it("asks sign-in to come back to the page, without Next.js's navigation parameter", () => {
    expect(loginPathFor("/c/abc?q=a&key=b")).toBe(`/login?next=${encodeURIComponent("/c/abc?q=a&key=b")}`);
    expect(loginPathFor("/audit?_rsc=1x2y")).toBe(`/login?next=${encodeURIComponent("/audit")}`);
    expect(loginPathFor("/")).toBe("/login");
    expect(loginPathFor(null)).toBe("/login");
    expect(loginPathFor("//evil.example/x")).toBe("/login");
  });
});
