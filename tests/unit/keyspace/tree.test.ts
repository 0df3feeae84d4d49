import { describe, expect, it } from "vitest";
import { NamespaceTree, namespaceMatchPattern, ttlBucket } from "@/lib/keyspace";

const k = (s: string) => new Uint8Array(Buffer.from(s));

describe("NamespaceTree", () => {
  it("builds incrementally from pages with counts, sizes and TTL buckets", () => {
    const tree = new NamespaceTree();
    tree.add([
      { key: k(":1:user:1"), size: 10, ttl: 30 },
      { key: k(":1:user:2"), size: 20, ttl: 600 },
      { key: k(":1:views.decorators.cache.cache_page.x"), size: 5, ttl: null },
    ]);
    tree.add([{ key: k("LITESTAR_sessions:abc"), size: 100, ttl: 14 * 86400 }, k("plain"), { key: k(":1:user:3"), ttl: 7200 }]);

    expect(tree.root).toMatchObject({ count: 6, direct: 1, bytes: 135, sized: 4 });
    expect(tree.root.ttl).toEqual({ none: 2, underMinute: 1, underHour: 1, underDay: 1, longer: 1 });
    const django = tree.find(":1:")!;
    expect(django).toMatchObject({ scheme: "Django v1", count: 4, direct: 1, bytes: 35 });
    const users = tree.find(":1:user:")!;
    expect(users).toMatchObject({ label: "user", count: 3, direct: 3, bytes: 30, sized: 2 });
    expect(users.ttl).toEqual({ none: 0, underMinute: 1, underHour: 1, underDay: 1, longer: 0 });
    expect(tree.find("LITESTAR_sessions:")).toMatchObject({ scheme: "Litestar sessions", count: 1 });
    expect(tree.find(":")).toMatchObject({ label: "(empty)", count: 4 });
    expect(tree.childrenOf(tree.root).map((n) => n.label)).toEqual(["(empty)", "LITESTAR_sessions"]);
  });

  it("grows with namespaces, not keys", () => {
    const tree = new NamespaceTree();
    for (let page = 0; page < 20; page++) {
      tree.add(Array.from({ length: 5000 }, (_, i) => k(`${["a", "b", "c"][i % 3]}:item:${page * 5000 + i}`)));
    }
    expect(tree.root.count).toBe(100_000);
    expect(tree.namespaceCount).toBe(7);
    expect(tree.find("b:item:")!.direct).toBe(20 * 1667);
  });

  it("caps children per node and counts the rest", () => {
    const tree = new NamespaceTree({ maxChildren: 10 });
    tree.add(Array.from({ length: 100 }, (_, i) => k(`session:${i}:data`)));
    const session = tree.find("session:")!;
    expect(session.children.size).toBe(10);
    expect(session.overflow).toBe(90);
    expect(session.count).toBe(100);
  });

  it("keeps non-UTF-8 segments apart and byte-exact", () => {
    const tree = new NamespaceTree();
    tree.add([Uint8Array.from([0xff, 0x3a, 0x31]), Uint8Array.from([0xfe, 0x3a, 0x31]), Uint8Array.from([0xff, 0x3a, 0x32])]);
    const kids = tree.childrenOf(tree.root);
    expect(kids).toHaveLength(2);
    expect(kids[0].count).toBe(2);
    expect(Array.from(kids[0].segment)).toEqual([0xff]);
    expect(Array.from(kids[0].prefix)).toEqual([0xff, 0x3a]);
    expect(kids[0].label).not.toBe(kids[1].label);
  });

  it("uses a configurable delimiter, multi-byte too", () => {
    const slash = new NamespaceTree({ delimiter: "/" });
    slash.add([k("a/b/c"), k("a/b/d"), k("a:b")]);
    expect(slash.find("a/b/")!.count).toBe(2);
    expect(slash.root.direct).toBe(1);
    const double = new NamespaceTree({ delimiter: "::" });
    double.add([k("RateLimitMiddleware::1.2.3.4"), k("a:b::c")]);
    expect(double.find("RateLimitMiddleware::")!.count).toBe(1);
    expect(double.find("a:b::")!.count).toBe(1);
  });

  it("stops splitting at maxDepth", () => {
    const tree = new NamespaceTree({ maxDepth: 2 });
    tree.add([k("a:b:c:d:e")]);
    expect(tree.find("a:b:")!.direct).toBe(1);
    expect(tree.namespaceCount).toBe(3);
  });

  it("labels aiocache namespaces from their lock keys, and configured namespaces", () => {
    const tree = new NamespaceTree({ labels: { billing: "aiocache namespace billing" } });
    tree.add([k("main:user:42"), k("main:user:42-lock"), k("other:x"), k("billing:invoice:1")]);
    expect(tree.find("main:")!.scheme).toBe("aiocache namespace");
    expect(tree.find("other:")!.scheme).toBeUndefined();
    expect(tree.find("billing:")!.scheme).toBe("aiocache namespace billing");
  });

  it("labels the root of a uWSGI cache", () => {
    expect(new NamespaceTree({ driver: "uwsgi", uwsgiCache: "mycache" }).root.scheme).toBe("uWSGI cache mycache");
  });
});

describe("TTL buckets", () => {
  it.each([
    [null, "none"],
    [undefined, "none"],
    [-1, "none"],
    [0, "underMinute"],
    [59, "underMinute"],
    [60, "underHour"],
    [3599, "underHour"],
    [3600, "underDay"],
    [86399, "underDay"],
    [86400, "longer"],
  ] as const)("%s → %s", (ttl, bucket) => expect(ttlBucket(ttl)).toBe(bucket));
});

describe("namespaceMatchPattern", () => {
  it("matches only the namespace, escaping glob characters", () => {
    expect(Buffer.from(namespaceMatchPattern("LITESTAR:")).toString()).toBe("LITESTAR:*");
    expect(Buffer.from(namespaceMatchPattern("a*b?[c]\\:")).toString()).toBe("a\\*b\\?\\[c\\]\\\\:*");
  });
});
