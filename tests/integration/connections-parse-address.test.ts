import { describe, expect, it } from "vitest";
import { parseAddress } from "@/lib/connections/parse-address";

function ok(text: string) {
  const result = parseAddress(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.message}`);
  return result.value;
}

function error(text: string) {
  const result = parseAddress(text);
  if (result.ok) throw new Error(`expected ${text} to be refused`);
  return result.message;
}

describe("parseAddress", () => {
  it("reads a plain redis:// URL with defaults", () => {
    expect(ok("redis://cache.internal")).toEqual({ kind: "redis", settings: { host: "cache.internal", port: 6379, db: 0 }, secrets: {} });
    expect(ok("  redis://127.0.0.1:6390/3  ")).toEqual({ kind: "redis", settings: { host: "127.0.0.1", port: 6390, db: 3 }, secrets: {} });
  });

  it("moves credentials into secrets, percent-decoded, and keeps the ACL user", () => {
    expect(ok("redis://app:p%40ss%3Aword@10.0.0.5:6380/1")).toEqual({
      kind: "redis",
      settings: { host: "10.0.0.5", port: 6380, db: 1, username: "app" },
      secrets: { password: "p@ss:word" },
    });
    expect(ok("redis://:only-password@h/2").secrets).toEqual({ password: "only-password" });
    // redis-py: a bare userinfo is the password.
    expect(ok("redis://secret@h").secrets).toEqual({ password: "secret" });
    expect(ok("redis://secret@h").settings).not.toHaveProperty("username");
  });

  it("turns rediss:// into TLS, with verification off only when asked", () => {
    expect(ok("rediss://h:6380").settings).toEqual({ host: "h", port: 6380, db: 0, tls: { enabled: true, verify: true } });
    expect(ok("rediss://h?ssl_cert_reqs=none").settings.tls).toEqual({ enabled: true, verify: false });
    expect(ok("rediss://h?ssl_cert_reqs=required&ssl_server_hostname=redis.example").settings.tls).toEqual({
      enabled: true,
      verify: true,
      servername: "redis.example",
    });
  });

  it("reads IPv6 hosts and the db from the query", () => {
    expect(ok("redis://[::1]:7000").settings).toEqual({ host: "::1", port: 7000, db: 0 });
    expect(ok("redis://h?db=5").settings.db).toBe(5);
  });

  it("refuses what it cannot represent", () => {
    expect(error("redis://h:99999")).toMatch(/port/);
    expect(error("redis://h/zero")).toMatch(/database/);
    expect(error("redis://a:1,b:2")).toMatch(/sentinel/);
    expect(error("http://example.com")).toMatch(/not understood/);
    expect(error("   ")).toMatch(/Paste/);
  });

  it("reads redis+sentinel:// with several sentinels, master name and db", () => {
    expect(ok("redis+sentinel://:pw@s1:26379,s2,[::1]:26380/mymaster/2")).toEqual({
      kind: "redis-sentinel",
      settings: {
        masterName: "mymaster",
        db: 2,
        sentinels: [
          { host: "s1", port: 26379 },
          { host: "s2", port: 26379 },
          { host: "::1", port: 26380 },
        ],
      },
      secrets: { password: "pw" },
    });
    const fromQuery = ok("redis+sentinel://s1?service_name=primary&sentinel_password=sp&sentinel_username=watch");
    expect(fromQuery.settings).toMatchObject({ masterName: "primary", db: 0, sentinelUsername: "watch" });
    expect(fromQuery.secrets).toEqual({ sentinelPassword: "sp" });
    expect(ok("rediss+sentinel://s1/m").settings.tls).toEqual({ enabled: true, verify: true });
    expect(error("redis+sentinel://s1:26379")).toMatch(/master name/);
  });

  it("reads memcached server lists, keeping names as spelled for pool hashing", () => {
    expect(ok("10.0.0.1:11211,10.0.0.2:11212")).toEqual({ kind: "memcached", settings: { servers: ["10.0.0.1:11211", "10.0.0.2:11212"] }, secrets: {} });
    expect(ok("cache-a; cache-b:11311\ncache-c").settings.servers).toEqual(["cache-a:11211", "cache-b:11311", "cache-c:11211"]);
    expect(ok("memcached://m1:11211").settings.servers).toEqual(["m1:11211"]);
    expect(error("m1:port")).toMatch(/host:port/);
  });
});
