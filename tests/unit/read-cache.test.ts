/**
 * The memo of the per-request lookups answers from memory and refreshes ahead of expiry: past half its time
 * limit an entry is answered at once while one background read renews it, and never past the limit itself.
 * The clock is Vitest's fake one, so nothing here waits on real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

process.env.CACHEBOARD_READ_CACHE_MS = "1000";
const { cachedRead, noteWrite } = await import("@/lib/read-cache");

/** A load whose every call is counted and can be held until released. */
function loader() {
  let version = 0;
  const pending: (() => void)[] = [];
  let hold = false;
  const load = vi.fn(async () => {
    const value = `v${++version}`;
    if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    return value;
  });
  return {
    load,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

describe("read cache", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("answers within the first half of the limit from memory, without a read", async () => {
    const { load } = loader();
    expect(await cachedRead("auth", "a", load)).toBe("v1");
    vi.advanceTimersByTime(400);
    expect(await cachedRead("auth", "a", load)).toBe("v1");
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("past half the limit answers the stored value at once and renews it with one background read", async () => {
    const { load, holdNext, release } = loader();
    await cachedRead("auth", "b", load);
    vi.advanceTimersByTime(600);
    holdNext();
    // The refresh is held: the request still gets its answer, and a second request starts no second read.
    expect(await cachedRead("auth", "b", load)).toBe("v1");
    expect(await cachedRead("auth", "b", load)).toBe("v1");
    expect(load).toHaveBeenCalledTimes(2);
    release();
    await vi.runAllTimersAsync();
    // Renewed: 900 ms after the first read (300 ms after the refresh started) the new value is answered.
    vi.advanceTimersByTime(300);
    expect(await cachedRead("auth", "b", load)).toBe("v2");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("never answers an entry past the limit: the request waits for a fresh read", async () => {
    const { load } = loader();
    await cachedRead("connections", "c", load);
    vi.advanceTimersByTime(1000);
    expect(await cachedRead("connections", "c", load)).toBe("v2");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("does not store a refresh that started before a write", async () => {
    const { load, holdNext, release } = loader();
    await cachedRead("connections", "d", load);
    vi.advanceTimersByTime(600);
    holdNext();
    expect(await cachedRead("connections", "d", load)).toBe("v1");
    noteWrite("ConnectionProfile");
    release();
    await vi.runAllTimersAsync();
    // The write dropped the entry and the racing refresh was not kept: the next request reads again.
    expect(await cachedRead("connections", "d", load)).toBe("v3");
  });

  it("keeps answering the stored value while refreshes fail, until the limit", async () => {
    await cachedRead("auth", "e", async () => "v1");
    const failing = vi.fn(async (): Promise<string> => Promise.reject(new Error("database locked")));
    vi.advanceTimersByTime(600);
    expect(await cachedRead("auth", "e", failing)).toBe("v1");
    await vi.runAllTimersAsync();
    vi.advanceTimersByTime(300);
    // The failed refresh is tried again by the next request, which still gets the stored value.
    expect(await cachedRead("auth", "e", failing)).toBe("v1");
    await vi.runAllTimersAsync();
    expect(failing).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(100);
    await expect(cachedRead("auth", "e", failing)).rejects.toThrow("database locked");
  });
});
