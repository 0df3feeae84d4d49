import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { biggest, biggestFirst, NamespaceTree, namespaceMatchPattern, ttlBucket } from "@/lib/keyspace";

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
    // `plain` came without a TTL read: counted, but not in the histogram.
    expect(tree.root.ttl).toEqual({ none: 1, underMinute: 1, underHour: 1, underDay: 1, longer: 1 });
    const django = tree.find(":1:")!;
    expect(django).toMatchObject({ scheme: "Django / async-caches, version 1", count: 4, direct: 1, bytes: 35 });
    const users = tree.find(":1:user:")!;
    expect(users).toMatchObject({ label: "user", count: 3, direct: 3, bytes: 30, sized: 2 });
    expect(users.ttl).toEqual({ none: 0, underMinute: 1, underHour: 1, underDay: 1, longer: 0 });
    expect(tree.find("LITESTAR_sessions:")).toMatchObject({ scheme: "Litestar sessions", count: 1 });
    expect(tree.find(":")).toMatchObject({ label: "(empty)", count: 4 });
    expect(tree.childrenOf(tree.root).map((n) => n.label)).toEqual(["(empty)", "LITESTAR_sessions"]);
  });

  it("keeps namespaces whose segments hash alike apart, from Buffers and plain byte arrays, also after one is pruned", () => {
    // "Aa" and "BB" have the same 31-multiplier string hash, which the scan's fast lookup uses.
    const tree = new NamespaceTree();
    tree.add([Buffer.from("Aa:1"), Buffer.from("BB:1"), k("BB:2"), Buffer.from("Aa:x:1"), k("\xff\x00:1")]);
    expect(tree.find("Aa:")).toMatchObject({ count: 2, direct: 1 });
    expect(tree.find("BB:")).toMatchObject({ count: 2, direct: 2 });
    expect(tree.find("Aa:x:")).toMatchObject({ count: 1 });
    tree.remove(Buffer.from("Aa:1"));
    tree.remove(Buffer.from("Aa:x:1"));
    expect(tree.find("Aa:")).toBeUndefined();
    // A namespace that went and came back is a new node, counted from zero, and its twin is untouched.
    tree.add([Buffer.from("Aa:2"), Buffer.from("BB:3")]);
    expect(tree.find("Aa:")).toMatchObject({ count: 1, direct: 1 });
    expect(tree.find("BB:")).toMatchObject({ count: 3, direct: 3 });
    expect(tree.root.count).toBe(5);
  });

  it("splits on a delimiter of several bytes", () => {
    const tree = new NamespaceTree({ delimiter: "::" });
    tree.add([Buffer.from("a::b::c"), k("a::b::d"), Buffer.from("a:b")]);
    expect(tree.find("a::")).toMatchObject({ count: 2 });
    expect(tree.find("a::b::")).toMatchObject({ count: 2, direct: 2 });
    expect(tree.root.direct).toBe(1);
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

  it("keeps every first-level namespace by default, however many, next to one that holds most keys", () => {
    const tree = new NamespaceTree({ maxChildren: 100 });
    tree.add(Array.from({ length: 60_000 }, (_, i) => k(`myapp:user:${i}`)));
    tree.add(Array.from({ length: 5_000 }, (_, i) => k(`myapp:counter:${i}`)));
    tree.add(Array.from({ length: 6_000 }, (_, i) => k(`tiny${i}:only`)));
    tree.add(Array.from({ length: 15_000 }, (_, i) => k(`LITESTAR:${i}`)));
    const roots = tree.childrenOf(tree.root);
    expect(roots).toHaveLength(6_002);
    expect(tree.root.overflow).toBe(0);
    expect(roots.slice(0, 2).map((n) => [n.label, n.count])).toEqual([
      ["myapp", 65_000],
      ["LITESTAR", 15_000],
    ]);
    expect(tree.childrenOf(tree.find("myapp:")!).map((n) => n.label)).toEqual(["user", "counter"]);
    expect(tree.namespaceCount).toBe(1 + 6_002 + 2);
  });

  it("caps the first level only when asked, and counts what it left out", () => {
    const tree = new NamespaceTree({ maxRootChildren: 3 });
    tree.add(["a:1", "b:1", "c:1", "d:1", "d:2"].map(k));
    expect(tree.root.children.size).toBe(3);
    expect(tree.root.overflow).toBe(2);
  });

  it("stamps changed nodes with a version, so readers can ask what changed", () => {
    const tree = new NamespaceTree();
    tree.add([k("a:1"), k("b:1")]);
    const seen = tree.version;
    tree.add([k("b:2"), k("c:1")]);
    const changed = tree.childrenOf(tree.root).filter((n) => n.changed > seen).map((n) => n.label);
    expect(changed.sort()).toEqual(["b", "c"]);
  });

  it("takes deleted keys and namespaces out of the counts", () => {
    const tree = new NamespaceTree({ maxChildren: 2 });
    tree.add([
      { key: k("myapp:user:1"), size: 10, ttl: null },
      { key: k("myapp:user:2"), size: 30, ttl: 60 },
      k("myapp:counter:1"),
      k("myapp:x:1"),
      k("solo:1"),
    ]);
    expect(tree.find("myapp:")!.overflow).toBe(1);
    const before = tree.version;

    tree.remove(k("myapp:user:1"));
    expect(tree.find("myapp:user:")).toMatchObject({ count: 1, direct: 1 });
    expect(tree.find("myapp:")!.count).toBe(3);
    expect(tree.find("myapp:")!.changed).toBeGreaterThan(before);
    tree.remove(k("myapp:x:1"));
    expect(tree.find("myapp:")).toMatchObject({ count: 2, overflow: 0 });
    tree.remove(k("not-in-tree"));
    expect(tree.root.count).toBe(3);

    const removedBefore = tree.removedAt;
    tree.removeUnder(k("myapp:user:"), 1, true);
    expect(tree.find("myapp:user:")).toBeUndefined();
    expect(tree.find("myapp:")!.count).toBe(1);
    expect(tree.root.count).toBe(2);
    expect(tree.removedAt).toBeGreaterThan(removedBefore);

    tree.remove(k("solo:1"));
    expect(tree.find("solo:")).toBeUndefined();
    expect(tree.namespaceCount).toBe(3);

    // A cancelled namespace delete: only the keys it reached leave the counts.
    tree.add(Array.from({ length: 10 }, (_, i) => k(`big:${i}`)));
    tree.removeUnder(k("big:"), 4, false);
    expect(tree.find("big:")).toMatchObject({ count: 6, direct: 6 });
  });

  it("grafts a complete level from a prefix-scoped tree over a capped one", () => {
    const keys = Array.from({ length: 50 }, (_, i) => k(`session:${i}:data`));
    const capped = new NamespaceTree({ maxChildren: 10 });
    capped.add([...keys, k("other:1")]);
    const scoped = new NamespaceTree({ maxChildren: 1000 });
    scoped.add(keys);
    expect(capped.graft("session:", scoped)).toBe(true);
    expect(capped.find("session:")).toMatchObject({ count: 50, overflow: 0 });
    expect(capped.find("session:")!.children.size).toBe(50);
    expect(capped.find("session:49:")!.count).toBe(1);
    expect(capped.namespaceCount).toBe(1 + 2 + 50);
    expect(capped.graft("missing:", scoped)).toBe(false);
  });

  it("hands its state packed to another tree through a structured clone, which goes on counting where it left off", () => {
    const options = { delimiter: ":", maxChildren: 3 };
    const tree = new NamespaceTree(options);
    // Keys as the scan reads them: views into one big reply buffer.
    const reply = Buffer.alloc(1 << 20);
    const keys = ["app:user:1", "app:user:2", "app:sess:1", ":1:views:x", "w:1:a", "w:2:a", "w:3:a", "w:4:a", "plain"].map((key, i) => {
      const at = i * 64;
      reply.write(key, at);
      return reply.subarray(at, at + key.length);
    });
    tree.add(keys.slice(0, 5).map((key, i) => ({ key, size: 10 * (i + 1), ttl: i % 2 ? null : 60 })));
    tree.add(keys.slice(5));
    tree.remove(keys[2]);
    // A node keeps copies of its bytes, never the reply they came in (which a clone would carry whole).
    expect(tree.find("app:user:")!.segment.buffer.byteLength).toBeLessThan(64);
    expect(tree.find("app:user:")!.prefix.buffer.byteLength).toBeLessThan(64);

    const copy = new NamespaceTree(options);
    copy.adoptPacked(structuredClone(tree.pack()));
    // Every field of every node but the hash index the scan's hot path rebuilds as it goes; bytes as numbers
    // (a Buffer has its own JSON form, which the replacer sees instead of the Buffer).
    const bytes = (v: unknown) => (v instanceof Uint8Array ? [...v] : v && typeof v === "object" && (v as { type?: string }).type === "Buffer" ? (v as { data: number[] }).data : v);
    const shape = (t: NamespaceTree) => JSON.stringify(t.root, (name, v: unknown) => (name === "byHash" ? undefined : v instanceof Map ? [...v] : bytes(v)));
    expect(shape(copy)).toBe(shape(tree));
    expect(copy).toMatchObject({ version: tree.version, removedAt: tree.removedAt, namespaceCount: tree.namespaceCount });

    for (const t of [tree, copy]) {
      t.add([k("app:user:3"), k("w:5:a"), k("new:x")]);
      t.remove(k("app:user:1"));
    }
    expect(shape(copy)).toBe(shape(tree));
    expect(copy.find("app:user:")).toMatchObject({ count: 2, direct: 2 });
    expect(copy.find("w:")).toMatchObject({ count: 5, overflow: 2 });
    expect(copy.namespaceCount).toBe(tree.namespaceCount);
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
    expect(new NamespaceTree({ kind: "uwsgi", cache: "mycache" }).root.scheme).toBe("uWSGI cache mycache");
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

describe("biggest", () => {
  it("picks the same first namespaces as sorting them all, ties by label, for any counts and page size", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 20 })), { maxLength: 600 }), fc.integer({ min: 0, max: 150 }), (pairs, most) => {
        const tree = new NamespaceTree();
        // Distinct labels: a tree's siblings never share one.
        const seen = new Set<string>();
        for (const [label, count] of pairs) {
          if (seen.has(label)) continue;
          seen.add(label);
          for (let i = 0; i <= count; i++) tree.add([Buffer.from(`${label}:${i}`)]);
        }
        const nodes = [...tree.root.children.values()];
        const expected = [...nodes].sort(biggestFirst).slice(0, most);
        expect(biggest(nodes, nodes.length, most).map((n) => n.label)).toEqual(expected.map((n) => n.label));
      }),
      { numRuns: 300 },
    );
  });
});
