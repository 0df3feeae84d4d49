import { describe, expect, it } from "vitest";
import { parseAddress } from "@/lib/connections/parse-address";
import { driverCapabilities } from "@/lib/drivers/registry";
import type { DriverKind } from "@/lib/drivers/types";
import { draftFromSettings, KIND_NAMES, KINDS, kindLabel, kindOf, parseSettings, settingsFromDraft } from "@/lib/kinds";

/** Settings as an admin stores them, one per kind, with every field the form edits set. */
const STORED: Record<DriverKind, Record<string, unknown>> = {
  redis: { host: "cache.internal", port: 6380, db: 3, username: "app", tls: { enabled: true, verify: false, ca: "CA", cert: "CERT", servername: "sni.example" } },
  "redis-sentinel": {
    masterName: "mymaster",
    sentinels: [
      { host: "s1", port: 26379 },
      { host: "s2", port: 26380 },
    ],
    db: 1,
    username: "app",
    sentinelUsername: "watch",
    tls: { enabled: true, verify: true },
    sentinelTls: true,
  },
  "redis-cluster": {
    nodes: [
      { host: "n1", port: 7000 },
      { host: "n2", port: 7001 },
    ],
    username: "app",
  },
  memcached: { servers: ["m1:11211", "/run/memcached.sock"], username: "sasl", maxItemBytes: 2097152 },
  uwsgi: { address: "127.0.0.1:3031", statsAddress: "127.0.0.1:9191", caches: [{ name: "default" }, { name: "big", keysize: 4096, blocksize: 131072 }] },
};

describe("backend kind descriptors", () => {
  it("describe every kind once, in the form's order, with its label", () => {
    expect(KINDS.map((k) => k.kind)).toEqual(KIND_NAMES);
    expect(KIND_NAMES).toEqual(["redis", "redis-sentinel", "redis-cluster", "memcached", "uwsgi"]);
    expect(kindLabel("uwsgi")).toBe("uWSGI cache");
    expect(kindLabel("something-else")).toBe("something-else");
  });

  it.each(KIND_NAMES)("%s: stored settings survive a trip through the form and pass the driver's own schema", (kind) => {
    const stored = STORED[kind];
    const again = settingsFromDraft(kind, draftFromSettings(kind, stored));
    expect(again).toEqual(stored);
    expect(parseSettings(kind, again).success).toBe(true);
  });

  it("builds what a pasted URL says, for the driver's schema", () => {
    const parsed = parseAddress("redis+sentinel://s1:26379,s2/mymaster/2");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const settings = settingsFromDraft(parsed.value.kind, draftFromSettings(parsed.value.kind, parsed.value.settings));
    expect(settings).toMatchObject({ masterName: "mymaster", db: 2, sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26379 }] });
    expect(parseSettings("redis-sentinel", settings).success).toBe(true);
  });

  it("knows a profile's limits before connecting: memcached's value limit follows its item size limit (-I)", () => {
    expect(driverCapabilities("memcached", { servers: ["m1:11211"] }).maxValueBytes).toBe(1024 * 1024 - 1024);
    expect(driverCapabilities("memcached", { servers: ["m1:11211"], maxItemBytes: 4 * 1024 * 1024 }).maxValueBytes).toBe(4 * 1024 * 1024 - 1024);
    expect(driverCapabilities("redis", {}).types).toBe(true);
    expect(() => driverCapabilities("memcached", { servers: [] })).toThrow(/servers/);
  });

  it("reads each backend's per-item flags its own way", () => {
    expect(kindOf("memcached").valueHints(1)).toEqual({ memcachedFlags: 1 });
    expect(kindOf("memcached").valueHints(undefined)).toEqual({});
    expect(kindOf("uwsgi").valueHints(0x10)).toEqual({ uwsgi: true, uwsgiFlags: 0x10 });
    expect(kindOf("redis").valueHints(7)).toEqual({});
    expect(kindOf("memcached").newValueFlags("pickle5")).toBe(1);
    expect(kindOf("memcached").newValueFlags("text")).toBeUndefined();
    expect(kindOf("redis").newValueFlags("pickle5")).toBeUndefined();
  });

  it("keeps only each kind's own secrets and says which kinds take TLS and a username", () => {
    expect(kindOf("redis-sentinel").secrets.map((secret) => secret.name)).toContain("sentinelPassword");
    expect(kindOf("uwsgi").secrets).toEqual([]);
    expect(KINDS.filter((k) => k.tls).map((k) => k.kind)).toEqual(["redis", "redis-sentinel", "redis-cluster"]);
    expect(kindOf("uwsgi").usernameHint).toBeNull();
    expect(kindOf("uwsgi").stats.missing(false)).toMatch(/stats server/);
    expect(kindOf("redis").stats.missing(true)).toBeNull();
  });
});
