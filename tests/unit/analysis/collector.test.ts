import { describe, expect, it } from "vitest";
import { AnalysisCollector, type AnalysedKey } from "@/lib/server/analysis/collector";
import { reportCsv } from "@/lib/server/analysis/export";
import { ttlBucketOf } from "@/lib/wire/analysis";
import { keyFromParam } from "@/lib/wire/keys";

function key(name: string | Buffer, bytes: number, options: Partial<AnalysedKey> = {}): AnalysedKey {
  return { key: Buffer.isBuffer(name) ? name : Buffer.from(name), type: "string", ttlMs: null, bytes, length: null, ...options };
}

describe("analysis collector", () => {
  it("aggregates every namespace depth, the TTL histogram and the type mix", () => {
    const c = new AnalysisCollector(":");
    c.add(key("app:user:1", 100));
    c.add(key("app:user:2", 50, { ttlMs: 30_000 }));
    c.add(key("app:sess:1", 10, { ttlMs: 2 * 86_400_000 }));
    c.add(key("plain", 7));
    c.add(key("app:h", 500, { type: "hash", length: 12, ttlMs: 3_600_001 }));
    const f = c.figures({ scanned: 5, complete: true, bytesMeasure: "memory" });
    expect(f.totals).toEqual({ keys: 5, bytes: 667, noTtlKeys: 2, noTtlBytes: 107 });
    const ns = Object.fromEntries(f.namespaces.map((n) => [n.label, n]));
    expect(ns["app:"]).toMatchObject({ depth: 1, keys: 4, bytes: 660, noTtlKeys: 1, noTtlBytes: 100, types: { string: 3, hash: 1 } });
    expect(ns["app:user:"]).toMatchObject({ depth: 2, keys: 2, bytes: 150, noTtlKeys: 1 });
    expect(ns["app:sess:"]).toMatchObject({ depth: 2, keys: 1, bytes: 10 });
    expect(f.namespaces[0].label).toBe("app:");
    expect(f.rootKeys).toEqual({ keys: 1, bytes: 7, noTtlKeys: 1, noTtlBytes: 7 });
    expect(f.ttl).toEqual({
      hour: { keys: 1, bytes: 50 },
      day: { keys: 1, bytes: 500 },
      week: { keys: 1, bytes: 10 },
      later: { keys: 0, bytes: 0 },
      never: { keys: 2, bytes: 107 },
    });
    expect(f.types).toEqual({ string: { keys: 4, bytes: 167 }, hash: { keys: 1, bytes: 500 } });
    expect(f.topKeys.map((k) => k.label)).toEqual(["app:h", "app:user:1", "app:user:2", "app:sess:1", "plain"]);
    expect(f.topCollections.map((k) => [k.label, k.length])).toEqual([["app:h", 12]]);
  });

  it("keeps memory bounded: namespaces past the limit fold into other, top lists stay at their size", () => {
    const c = new AnalysisCollector(":", { namespaceLimit: 3, top: 2 });
    for (let i = 0; i < 10; i++) c.add(key(`ns${i}:k`, i + 1, { type: "list", length: 10 - i }));
    const f = c.figures({ scanned: 10, complete: true, bytesMeasure: "value" });
    expect(f.namespaces).toHaveLength(3);
    expect(f.otherNamespaces.keys).toBe(7);
    expect(f.topKeys.map((k) => k.bytes)).toEqual([10, 9]);
    expect(f.topCollections.map((k) => k.length)).toEqual([10, 9]);
  });

  it("splits binary keys on a multi-byte delimiter and links them by base64url", () => {
    const c = new AnalysisCollector("::");
    const binary = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from("::x")]);
    c.add(key(binary, 3));
    const f = c.figures({ scanned: 1, complete: true, bytesMeasure: "memory" });
    expect(Buffer.from(keyFromParam(f.namespaces[0].prefix))).toEqual(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from("::")]));
    expect(Buffer.from(keyFromParam(f.topKeys[0].key))).toEqual(binary);
  });

  it("samples formats of the first strings of each first-level namespace, and of keys without one", () => {
    const c = new AnalysisCollector(":");
    const slots: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const entry = key(`a:b:${i}`, 1);
      c.add(entry);
      slots.push(c.sampleFormat(entry));
    }
    const hash = key("a:h", 1, { type: "hash", length: 1 });
    c.add(hash);
    expect(c.sampleFormat(hash)).toBeNull();
    expect(slots.filter((s) => s === "a:")).toHaveLength(20);
    for (let i = 0; i < 20; i++) c.addFormat("a:", i < 15 ? "JSON" : "pickle protocol 5");
    const plain = key("plain", 1);
    c.add(plain);
    expect(c.sampleFormat(plain)).toBe("");
    c.addFormat("", null);
    const f = c.figures({ scanned: 32, complete: true, bytesMeasure: "memory" });
    expect(f.namespaces.find((n) => n.label === "a:")?.formats).toEqual({ JSON: 15, "pickle protocol 5": 5 });
    expect(f.namespaces.find((n) => n.label === "a:b:")?.formats).toBeUndefined();
    expect(f.rootFormats).toEqual({ unknown: 1 });
  });

  it("buckets TTLs at one hour, day and week", () => {
    expect([null, 1, 3_600_000, 3_600_001, 86_400_000, 604_800_000, 604_800_001].map(ttlBucketOf)).toEqual(["never", "hour", "hour", "day", "day", "week", "later"]);
  });

  it("exports a report as one CSV table with a section column, formulas defused", () => {
    const c = new AnalysisCollector(":");
    c.add(key("=cmd:1", 5));
    const figures = c.figures({ scanned: 1, complete: true, bytesMeasure: "memory" });
    const csv = reportCsv({ id: "r", connectionId: "c", actorEmail: "a@b", startedAt: "", finishedAt: "", durationMs: 1, status: "done", keys: 1, figures });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("section,name,base64url,depth,type,keys,bytes,noTtlKeys,noTtlBytes,length,ttlMs,sampledFormats");
    expect(lines).toContain("namespace,'=cmd:,PWNtZDo,1,,1,5,1,5,,,");
    expect(lines.filter((l) => l.startsWith("ttl,"))).toHaveLength(5);
  });
});
