/**
 * What server code under test reads through `next/headers`: the session cookie a test sets and a few request
 * headers. Route handlers and actions run for real; only Next.js's request-scoped readers are replaced:
 *
 *     vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
 *     import { testRequest } from "../support/next-request";
 *     testRequest.cookie = token;
 */
export const testRequest: { cookie: string; headers: Record<string, string> } = { cookie: "", headers: { "user-agent": "vitest" } };

export const nextHeaders = {
  cookies: async () => ({
    get: (name: string) => (name === "cb_session" && testRequest.cookie ? { name, value: testRequest.cookie } : undefined),
    set: () => undefined,
    delete: () => undefined,
  }),
  headers: async () => new Headers(testRequest.headers),
};
