/**
 * The scan pace of a connection: the profile's own value wins over the environment variable, which wins over
 * the built-in default (5000 keys per SCAN; on production connections 1000 keys and a 125 ms pause). Kinds read at the
 * server's speed are never paced, and the form and the declared-connections file go through one validation.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { prefixPace, probedPageCount, resolveScanPace, scanPaceDefaults } from "@/lib/connections/scan-pace";
import { profileFields } from "@/lib/connections/profile-input";
import { initialProfileDraft, profileDraftReducer, profileFromDraft } from "@/lib/connections/form-draft";
import { KINDS } from "@/lib/kinds";

const unset = { scanCount: null, scanPauseMs: null };
const paced = (env: Record<string, string> = {}) => ({ paced: true, env });

describe("scan pace resolution", () => {
  afterEach(() => vi.restoreAllMocks());

  it("defaults to 5000 keys per call without a pause, and on production connections to 1000 keys with 125 ms pauses", () => {
    expect(resolveScanPace({ environment: "development", ...unset }, paced())).toEqual({ paced: true, count: 5000, pauseMs: 0, sampleEvery: 50, sampleFixed: false });
    expect(resolveScanPace({ environment: "staging", ...unset }, paced())).toMatchObject({ count: 5000, pauseMs: 0 });
    expect(resolveScanPace({ environment: "production", ...unset }, paced())).toMatchObject({ count: 1000, pauseMs: 125 });
  });

  it("takes the environment variables over the built-in defaults, for every environment", () => {
    const env = { CACHEBOARD_SCAN_COUNT: "200", CACHEBOARD_SCAN_PAUSE_MS: "0" };
    expect(resolveScanPace({ environment: "production", ...unset }, paced(env))).toMatchObject({ count: 200, pauseMs: 0 });
    expect(resolveScanPace({ environment: "development", ...unset }, paced({ CACHEBOARD_SCAN_PAUSE_MS: "12" }))).toMatchObject({ count: 5000, pauseMs: 12 });
  });

  it("takes the profile's own values over the environment variables; null leaves each field to the default", () => {
    const env = { CACHEBOARD_SCAN_COUNT: "200", CACHEBOARD_SCAN_PAUSE_MS: "7" };
    expect(resolveScanPace({ environment: "production", scanCount: 50, scanPauseMs: 0 }, paced(env))).toMatchObject({ count: 50, pauseMs: 0 });
    expect(resolveScanPace({ environment: "production", scanCount: 50, scanPauseMs: null }, paced(env))).toMatchObject({ count: 50, pauseMs: 7 });
    expect(resolveScanPace({ environment: "production", scanCount: null, scanPauseMs: 30 }, paced())).toMatchObject({ count: 1000, pauseMs: 30 });
    expect(resolveScanPace({ environment: "production", scanCount: 800, scanPauseMs: null }, paced())).toMatchObject({ count: 800, pauseMs: 125 });
  });

  it("ignores a malformed variable with a warning and uses the built-in default", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(resolveScanPace({ environment: "production", ...unset }, paced({ CACHEBOARD_SCAN_COUNT: "lots", CACHEBOARD_SCAN_PAUSE_MS: "-1" }))).toMatchObject({ count: 1000, pauseMs: 125 });
    expect(warn).toHaveBeenCalled();
  });

  it("carries CACHEBOARD_SCAN_SAMPLE_EVERY as a fixed sample, so nothing else reads the variable", () => {
    expect(resolveScanPace({ environment: "development", ...unset }, paced({ CACHEBOARD_SCAN_SAMPLE_EVERY: "7" }))).toMatchObject({ sampleEvery: 7, sampleFixed: true });
  });

  it("never paces a kind read at the server's speed, whatever the profile or the environment says", () => {
    const pace = resolveScanPace({ environment: "production", scanCount: 10, scanPauseMs: 500 }, { paced: false, env: { CACHEBOARD_SCAN_PAUSE_MS: "9" } });
    expect(pace).toMatchObject({ paced: false, count: 1000, pauseMs: 0 });
    expect(prefixPace(pace)).toEqual({});
    expect(prefixPace(resolveScanPace({ environment: "production", scanCount: 300, scanPauseMs: 2 }, paced()))).toEqual({ batchSize: 300, pauseMs: 2 });
  });

  it("keeps the pages of walks that probe every key at 1000 keys when paced, and leaves full-speed and smaller pages alone", () => {
    expect(probedPageCount(resolveScanPace({ environment: "production", ...unset }, paced()))).toBe(1000);
    expect(probedPageCount(resolveScanPace({ environment: "production", scanCount: 300, scanPauseMs: null }, paced()))).toBe(300);
    expect(probedPageCount(resolveScanPace({ environment: "development", ...unset }, paced()))).toBe(5000);
    expect(probedPageCount(resolveScanPace({ environment: "production", scanCount: 8000, scanPauseMs: 0 }, paced()))).toBe(8000);
  });

  it("gives the form the default of each environment", () => {
    expect(scanPaceDefaults({})).toEqual({ development: { count: 5000, pauseMs: 0 }, staging: { count: 5000, pauseMs: 0 }, production: { count: 1000, pauseMs: 125 } });
    expect(scanPaceDefaults({ CACHEBOARD_SCAN_COUNT: "300" }).production).toEqual({ count: 300, pauseMs: 125 });
  });

  it("is a Redis capability in the kind descriptors, not a branch on the kind", () => {
    expect(Object.fromEntries(KINDS.map((k) => [k.kind, k.pacedScan]))).toEqual({
      redis: true,
      "redis-sentinel": true,
      "redis-cluster": true,
      memcached: false,
      uwsgi: false,
    });
  });
});

describe("scan pace in a profile", () => {
  const base = { name: "p", kind: "redis", settings: { host: "127.0.0.1", port: 6380 } };

  it("accepts 10..100000 keys per call and 0..10000 ms of pause, or null for the default", () => {
    expect(profileFields.parse({ ...base, scanCount: 10, scanPauseMs: 0 })).toMatchObject({ scanCount: 10, scanPauseMs: 0 });
    expect(profileFields.parse({ ...base, scanCount: 100_000, scanPauseMs: 10_000 })).toMatchObject({ scanCount: 100_000, scanPauseMs: 10_000 });
    expect(profileFields.parse({ ...base, scanCount: null, scanPauseMs: null })).toMatchObject({ scanCount: null, scanPauseMs: null });
    expect(profileFields.parse(base).scanCount ?? null).toBeNull();
  });

  it("refuses values out of range or not whole, naming the field", () => {
    for (const [field, value] of [
      ["scanCount", 9],
      ["scanCount", 100_001],
      ["scanCount", 2.5],
      ["scanPauseMs", -1],
      ["scanPauseMs", 10_001],
    ] as const) {
      const parsed = profileFields.safeParse({ ...base, [field]: value });
      expect(parsed.success, `${field}=${value}`).toBe(false);
      expect(parsed.error!.issues[0].path).toEqual([field]);
    }
  });

  it("drops the pace of a kind that has none", () => {
    const parsed = profileFields.parse({ name: "m", kind: "memcached", settings: { servers: ["127.0.0.1:11299"] }, scanCount: 50, scanPauseMs: 3 });
    expect(parsed).toMatchObject({ scanCount: null, scanPauseMs: null });
  });

  it("round-trips through the form's draft: typed values become numbers, empty fields the default", () => {
    const profile = { id: "p1", name: "p", kind: "redis" as const, settings: base.settings, secretsSet: [], secretsUnreadable: false, readOnly: false, environment: "production", color: null, keyDelimiter: ":", defaultFormat: "auto", formatOverrides: [], timeoutMs: 5000, consoleAllow: [], scanCount: 250, scanPauseMs: null };
    const draft = initialProfileDraft(profile, null);
    expect(draft).toMatchObject({ scanCount: "250", scanPauseMs: "" });
    expect(profileFromDraft(draft)).toMatchObject({ scanCount: 250, scanPauseMs: null });
    const edited = profileDraftReducer(profileDraftReducer(draft, { type: "field", field: "scanCount", value: "" }), { type: "field", field: "scanPauseMs", value: "20" });
    expect(profileFromDraft(edited)).toMatchObject({ scanCount: null, scanPauseMs: 20 });
    // Switched to memcached the pace is not sent; switched back, what was typed is still there.
    const memcached = profileDraftReducer(edited, { type: "kind", kind: "memcached" });
    expect(profileFromDraft(memcached)).toMatchObject({ scanCount: null, scanPauseMs: null });
    expect(profileFromDraft(profileDraftReducer(memcached, { type: "kind", kind: "redis" }))).toMatchObject({ scanPauseMs: 20 });
  });
});
