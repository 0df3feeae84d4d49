/**
 * A paced walk's reading of its server's load: gentle (a quarter of the keys per call) until a first window
 * shows the server idle, gentle again whenever the busiest node's command thread used a quarter of a core or
 * more since the last reading, the server read at most once a second, and the connection's own pace kept where
 * the server does not say.
 */
import { describe, expect, it } from "vitest";
import { BUSY_SHARE, FIRST_WINDOW_MS, gentleCount, SAMPLE_EVERY_MS, ServerLoad } from "@/lib/server/keys/server-load";

/** A server whose CPU seconds are set by the test, on a clock the test moves. */
function fakeServer() {
  const state = { at: 0, cpu: { "10.0.0.1:6379": 100, "10.0.0.2:6379": 50 } as Record<string, number>, reads: 0, fail: false };
  const read = async () => {
    state.reads++;
    if (state.fail) throw new Error("NOPERM this user has no permissions to run the 'info' command");
    return { ...state.cpu };
  };
  return { state, load: (count: number) => new ServerLoad(count, read, () => state.at) };
}

describe("server load of a paced walk", () => {
  it("starts gentle, takes the full count once the first window shows the server idle, and reads the server at most once a second", async () => {
    const { state, load } = fakeServer();
    const walk = load(1000);
    expect(await walk.next()).toEqual({ count: 250, share: null, gentle: true });
    // Too short a window to judge: still gentle, nothing read.
    state.at = FIRST_WINDOW_MS / 2;
    expect(await walk.next()).toMatchObject({ count: 250, gentle: true });
    expect(state.reads).toBe(1);
    state.at = FIRST_WINDOW_MS;
    state.cpu["10.0.0.1:6379"] += 0.001; // 1% of a core over 100 ms
    const idle = await walk.next();
    expect(idle).toMatchObject({ count: 1000, gentle: false });
    expect(idle.share).toBeCloseTo(0.01);
    expect(state.reads).toBe(2);
    // Within the second no new reading, whatever the server does meanwhile.
    state.at += SAMPLE_EVERY_MS - 1;
    state.cpu["10.0.0.1:6379"] += 0.9;
    expect(await walk.next()).toMatchObject({ count: 1000, gentle: false });
    expect(state.reads).toBe(2);
  });

  it("goes gentle while the busiest node is busy and back to the full count when it calms down", async () => {
    const { state, load } = fakeServer();
    const walk = load(1000);
    await walk.next();
    state.at = 1000;
    // The second node is busy, the first idle: the busiest node counts.
    state.cpu["10.0.0.2:6379"] += 0.6;
    const busy = await walk.next();
    expect(busy).toMatchObject({ count: 250, gentle: true });
    expect(busy.share).toBeCloseTo(0.6);
    state.at = 2000;
    state.cpu["10.0.0.2:6379"] += BUSY_SHARE;
    expect(await walk.next()).toMatchObject({ count: 250, gentle: true });
    state.at = 3000;
    state.cpu["10.0.0.2:6379"] += BUSY_SHARE / 2;
    const calm = await walk.next();
    expect(calm).toMatchObject({ count: 1000, gentle: false });
    expect(calm.share).toBeCloseTo(BUSY_SHARE / 2);
  });

  it("keeps the connection's pace where the server cannot say: a refused INFO, or no CPU fields", async () => {
    const refused = fakeServer();
    refused.state.fail = true;
    const walk = refused.load(1000);
    expect(await walk.next()).toEqual({ count: 1000, share: null, gentle: false });
    refused.state.at = 5000;
    expect(await walk.next()).toMatchObject({ count: 1000, gentle: false });
    expect(refused.state.reads).toBe(1);

    const silent = fakeServer();
    silent.state.cpu = {};
    expect(await silent.load(1000).next()).toEqual({ count: 1000, share: null, gentle: false });
  });

  it("asks a busy server for a quarter of the keys, at least ten, never more than the pace's count", () => {
    expect(gentleCount(1000)).toBe(250);
    expect(gentleCount(137)).toBe(34);
    expect(gentleCount(20)).toBe(10);
    expect(gentleCount(5)).toBe(5);
  });
});
