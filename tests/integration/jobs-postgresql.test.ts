import { afterAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { jobSuite } from "./jobs-suite";

let server: PostgresServer | undefined;
afterAll(async () => {
  await server?.stop();
});

jobSuite("PostgreSQL", async () => {
  server = await startPostgres();
  return { url: await server.createDatabase("cacheboard_jobs"), stop: async () => undefined };
});

describe("GET /api/health", () => {
  it("answers 200 while the database answers and 503 once it is gone, without details", async () => {
    const { GET } = await import("@/app/api/health/route");
    const up = await GET();
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ ok: true });
    await server!.stop();
    const down = await GET();
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false });
  });
});
