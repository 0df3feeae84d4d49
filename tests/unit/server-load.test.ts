/**
 * A paced walk's reading of its server's load: gentle (a quarter of the keys per call) until a first window
 * shows the server idle, gentle again whenever the busiest node's command thread used a quarter of a core or
 * more since the last reading, the server read at most once a second however many walks ask, and the
 * connection's own pace kept where the server does not say.
 */
import { describe, expect, it } from "vitest";
import { BUSY_SHARE, FIRST_WINDOW_MS, gentleCount, RETRY_MS, SAMPLE_EVERY_MS, ServerLoad, STALE_MS, walkCount } from "@/lib/connections/server-load";

/** A server whose CPU seconds are set by the test, on a clock the test moves. */
function fakeServer() {
  const state = { at: 0, cpu: { "10.0.0.1:6379": 100, "10.0.0.2:6379": 50 } as Record<string, number>, reads: 0, fail: false };
  const read = async () => {
    state.reads++;
    if (state.fail) throw new Error("NOPERM this user has no permissions to run the 'info' command");
    return { ...state.cpu };
  };
  return { state, load: () => new ServerLoad(read, () => state.at) };
}

describe("server load of paced walks", () => {
  it("starts gentle, takes the full count once the first window shows the server idle, and reads the server at most once a second", async () => {
    const { state, load } = fakeServer();
    const server = load();
    expect(await server.pace(1000)).toEqual({ count: 250, share: null, gentle: true });
    // Too short a window to judge: still gentle, nothing read.
    state.at = FIRST_WINDOW_MS / 2;
    expect(await server.pace(1000)).toMatchObject({ count: 250, gentle: true });
    expect(state.reads).toBe(1);
    state.at = FIRST_WINDOW_MS;
    state.cpu["10.0.0.1:6379"] += 0.001; // 1% of a core over 100 ms
    const idle = await server.pace(1000);
    expect(idle).toMatchObject({ count: 1000, gentle: false });
    expect(idle.share).toBeCloseTo(0.01);
    expect(state.reads).toBe(2);
    // Within the second no new reading, whatever the server does meanwhile; another walk's count is its own.
    state.at += SAMPLE_EVERY_MS - 1;
    state.cpu["10.0.0.1:6379"] += 0.9;
    expect(await server.pace(1000)).toMatchObject({ count: 1000, gentle: false });
    expect(await server.pace(137)).toMatchObject({ count: 137, gentle: false });
    expect(state.reads).toBe(2);
  });

  it("goes gentle while the busiest node is busy and back to the full count when it calms down", async () => {
    const { state, load } = fakeServer();
    const server = load();
    await server.pace(1000);
    state.at = 1000;
    // The second node is busy, the first idle: the busiest node counts.
    state.cpu["10.0.0.2:6379"] += 0.6;
    const busy = await server.pace(1000);
    expect(busy).toMatchObject({ count: 250, gentle: true });
    expect(busy.share).toBeCloseTo(0.6);
    state.at = 2000;
    state.cpu["10.0.0.2:6379"] += BUSY_SHARE;
    expect(await server.pace(1000)).toMatchObject({ count: 250, gentle: true });
    state.at = 3000;
    state.cpu["10.0.0.2:6379"] += BUSY_SHARE / 2;
    const calm = await server.pace(1000);
    expect(calm).toMatchObject({ count: 1000, gentle: false });
    expect(calm.share).toBeCloseTo(BUSY_SHARE / 2);
  });

  it("takes the share over a long pause, but starts over, gentle, after a reading too old to say anything of now", async () => {
    const { state, load } = fakeServer();
    const server = load();
    await server.pace(1000);
    state.at = 10_000; // a walk pausing 10 s between calls: 2% of a core over those 10 s
    state.cpu["10.0.0.1:6379"] += 0.2;
    expect(await server.pace(1000)).toMatchObject({ count: 1000, gentle: false });
    state.at += STALE_MS + 1;
    expect(await server.pace(1000)).toEqual({ count: 250, share: null, gentle: true });
    state.at += FIRST_WINDOW_MS;
    expect(await server.pace(1000)).toMatchObject({ count: 1000, gentle: false });
  });

  it("keeps the connection's pace where the server cannot say (a refused INFO, no CPU fields), and asks again later", async () => {
    const refused = fakeServer();
    refused.state.fail = true;
    const server = refused.load();
    expect(await server.pace(1000)).toEqual({ count: 1000, share: null, gentle: false });
    refused.state.at = RETRY_MS - 1;
    expect(await server.pace(1000)).toMatchObject({ count: 1000, gentle: false });
    expect(refused.state.reads).toBe(1);
    refused.state.fail = false;
    refused.state.at = RETRY_MS;
    expect(await server.pace(1000)).toMatchObject({ count: 250, gentle: true });
    expect(refused.state.reads).toBe(2);

    const silent = fakeServer();
    silent.state.cpu = {};
    expect(await silent.load().pace(1000)).toEqual({ count: 1000, share: null, gentle: false });
  });

  it("leaves unpaced walks and drivers that cannot say alone, and shares one reading per driver", async () => {
    let reads = 0;
    const driver = { serverCpuSeconds: async () => (reads++, { "127.0.0.1:6379": 1 }) };
    expect(await walkCount(driver, 0, 5000)).toEqual({ count: 5000, share: null, gentle: false });
    expect(await walkCount({}, 125, 1000)).toEqual({ count: 1000, share: null, gentle: false });
    expect(reads).toBe(0);
    const [one, two] = await Promise.all([walkCount(driver, 125, 1000), walkCount(driver, 125, 200)]);
    expect([one.count, two.count]).toEqual([250, 50]);
    expect(reads).toBe(1);
  });

  it("asks a busy server for a quarter of the keys, at least ten, never more than the pace's count", () => {
    expect(gentleCount(1000)).toBe(250);
    expect(gentleCount(137)).toBe(34);
    expect(gentleCount(20)).toBe(10);
    expect(gentleCount(5)).toBe(5);
  });
});
