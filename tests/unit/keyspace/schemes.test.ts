import { describe, expect, it } from "vitest";
import { isAiocacheLockValue, isLitestarChildStore, recognizeKey } from "@/lib/keyspace";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("recognizeKey on real key shapes (docs/formats.md)", () => {
  it.each([
    [":1:user:42", "django", "Django / async-caches, version 1", "user:42"],
    [":1:django.contrib.sessions.cacheabc123", "django", "Django v1 · session", "django.contrib.sessions.cacheabc123"],
    [
      ":1:views.decorators.cache.cache_page.site.GET.0a1b2c3d4e5f60718293a4b5c6d7e8f9.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC",
      "django",
      "Django v1 · cache_page",
      "views.decorators.cache.cache_page.site.GET.0a1b2c3d4e5f60718293a4b5c6d7e8f9.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC",
    ],
    ["myapp:2:user:42", "django", "Django / async-caches, version 2", "user:42"],
    ["::user:42", "async-caches", "async-caches (no prefix)", "user:42"],
    ["LITESTAR:greeting", "litestar", "Litestar store", "greeting"],
    ["LITESTAR_sessions:" + "ab".repeat(32), "litestar", "Litestar sessions", "ab".repeat(32)],
    ["LITESTAR_response_cache:GET/items?a=1&b=2", "litestar", "Litestar response cache", "GET/items?a=1&b=2"],
    ["LITESTAR_rate_limit:RateLimitMiddleware::127.0.0.1", "litestar", "Litestar rate limit", "RateLimitMiddleware::127.0.0.1"],
    ["RateLimitMiddleware::10.0.0.7", "litestar", "Litestar rate limit", "RateLimitMiddleware::10.0.0.7"],
    ["pvx_cmgr:all_cache_keys", "privex", "privex cache manager key set", "all_cache_keys"],
    ["pvx_cmgr:lock:x", "privex", "privex cache manager", "lock:x"],
    ["main:user:42-lock", "aiocache-lock", "aiocache lock", "main:user:42-lock"],
    ["myapp.viewsget_user(42,)[('active', True)]", "aiocache-cached", "aiocache @cached", "myapp.viewsget_user(42,)[('active', True)]"],
    ["session:abc", "plain", "", "session:abc"],
  ])("%s", (key, scheme, label, own) => {
    const r = recognizeKey(key);
    expect(r.scheme).toBe(scheme);
    expect(r.label).toBe(label);
    expect(text(r.key)).toBe(own);
    expect(r.prefixLength + r.key.length).toBe(Buffer.byteLength(key));
  });

  it("reads prefix and version", () => {
    expect(recognizeKey("myapp:2:user:42")).toMatchObject({ prefix: "myapp", version: 2, prefixLength: 8 });
    expect(recognizeKey("LITESTAR_sessions:x")).toMatchObject({ namespace: ["LITESTAR", "sessions"] });
    expect(recognizeKey("LITESTAR_sessions:" + "ab".repeat(32)).detail).toBe("session id");
    expect(recognizeKey("RateLimitMiddleware::10.0.0.7").detail).toBe("client 10.0.0.7");
  });

  it("does not take LITESTARX for Litestar", () => {
    expect(recognizeKey("LITESTARX:key").scheme).toBe("plain");
  });

  it("keeps a non-UTF-8 app key byte for byte", () => {
    const key = Buffer.concat([Buffer.from(":1:"), Buffer.from([0xff, 0xfe, 0x00, 0x80])]);
    const r = recognizeKey(key);
    expect(r.scheme).toBe("django");
    expect(Buffer.from(r.key).equals(Buffer.from([0xff, 0xfe, 0x00, 0x80]))).toBe(true);
  });

  it("names the uWSGI cache when told the kind", () => {
    expect(recognizeKey("greeting", { kind: "uwsgi", cache: "mycache" })).toMatchObject({ scheme: "cache", label: "uWSGI cache mycache" });
  });

  it("checks aiocache lock values are UUIDs", () => {
    expect(isAiocacheLockValue(Buffer.from("4b0e3c1e-5a8b-4f4e-9a57-0f3b5c2d9e11"))).toBe(true);
    expect(isAiocacheLockValue(Buffer.from("1"))).toBe(false);
  });
});

describe("Litestar child stores", () => {
  it("are the LITESTAR_<name> siblings of the LITESTAR store, and nothing else", () => {
    expect(isLitestarChildStore("LITESTAR:", "LITESTAR_sessions:")).toBe(true);
    expect(isLitestarChildStore("LITESTAR:", "LITESTAR_rate_limit:")).toBe(true);
    expect(isLitestarChildStore("LITESTAR:", "LITESTARX:")).toBe(false);
    expect(isLitestarChildStore("LITESTAR:", "LITESTAR_:")).toBe(false);
    expect(isLitestarChildStore("LITESTAR:", "LITESTAR_sessions:x:")).toBe(false);
    expect(isLitestarChildStore("LITESTAR:", "user:")).toBe(false);
    expect(isLitestarChildStore("user:", "user_profile:")).toBe(false);
    expect(isLitestarChildStore("LITESTAR_sessions:", "LITESTAR_sessions_x:")).toBe(false);
  });
});
