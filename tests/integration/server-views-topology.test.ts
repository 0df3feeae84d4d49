/**
 * The Server tab's node views on a real three-primary Redis Cluster (one primary with a replica) and a real
 * Sentinel setup: primaries with slot ranges covering all 16384 slots, the replica under its primary, keys
 * and memory per node, the node a key's slot lives on and its replica (checked against the node that actually
 * holds it), per-node views, and Sentinel's monitored primary, replica and sentinels. A cluster has no db
 * switcher.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { KeyNodeAnswer, NodeChoice, ServerViewReply } from "@/lib/wire/server";
import { removeDir, tempDir, waitFor } from "../support/process";
import { startRedisCluster, startRedisSentinel, type RedisClusterHandle, type RedisSentinelHandle } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("server-topology");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "77".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { createProfile } = await import("@/lib/connections/store");
type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const serverRoute = (await import("@/app/api/c/[id]/server/route")).GET as unknown as Handler;
const keyNodeRoute = (await import("@/app/api/c/[id]/server/key-node/route")).POST as unknown as Handler;
const databasesRoute = (await import("@/app/api/c/[id]/databases/route")).GET as unknown as Handler;

const BASE = "http://127.0.0.1:3000";
type ViewReply<V extends ServerViewReply["view"]> = Extract<ServerViewReply, { view: V }> & { nodeChoices: NodeChoice[] };

async function view<V extends ServerViewReply["view"]>(id: string, name: V, node?: string): Promise<ViewReply<V>> {
  const response = await serverRoute(new Request(`${BASE}/api/c/${id}/server?view=${name}${node ? `&node=${node}` : ""}`), { params: Promise.resolve({ id }) });
  expect(response.status).toBe(200);
  return (await response.json()) as ViewReply<V>;
}

describe("node views on a real cluster and Sentinel", () => {
  let cluster: RedisClusterHandle;
  let sentinel: RedisSentinelHandle;
  const ids = { cluster: "", sentinel: "" };

  beforeAll(async () => {
    [cluster, sentinel] = await Promise.all([startRedisCluster({ replicas: 1 }), startRedisSentinel(2)]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "viewer@example.test", passwordHash: "x", role: "viewer" } });
    request.cookie = "viewer-token";
    await db().session.create({ data: { id: createHash("sha256").update(request.cookie).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const base = { color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], environment: "development" as const, readOnly: true, timeoutMs: 5000 };
    ids.cluster = (await createProfile({ ...base, name: "cluster", kind: "redis-cluster", settings: { nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }] }, secrets: {} })).id;
    ids.sentinel = (
      await createProfile({
        ...base,
        name: "sentinel",
        kind: "redis-sentinel",
        settings: { masterName: sentinel.masterName, sentinels: sentinel.sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })), db: 0 },
        secrets: { password: sentinel.password, sentinelPassword: sentinel.sentinelPassword },
      })
    ).id;
  });
  afterAll(async () => {
    await db().$disconnect();
    await Promise.all([cluster?.stop(), sentinel?.stop()]);
    removeDir(dir);
  });

  it("lists three primaries whose slot ranges cover all 16384 slots and the replica, with keys and memory per node", async () => {
    // Node i gets i + 1 keys, each written to the node that serves its slot (no redirection involved).
    const want = new Map(cluster.nodes.map((node, i) => [`127.0.0.1:${node.port}`, i + 1]));
    const first = cluster.nodes[0].raw();
    try {
      const ranges = String(await first.cluster("NODES"))
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(" "))
        .map((parts) => ({ address: parts[1].split("@")[0], slots: parts.slice(8).map((r) => r.split("-").map(Number)) }));
      for (let k = 0; [...want.values()].some((n) => n > 0); k++) {
        const key = `spread:${k}`;
        const slot = Number(await first.cluster("KEYSLOT", key));
        const owner = ranges.find((node) => node.slots.some(([a, b]) => slot >= a && slot <= (b ?? a)))!.address;
        if (want.get(owner)! === 0) continue;
        want.set(owner, want.get(owner)! - 1);
        const raw = cluster.nodes.find((node) => `127.0.0.1:${node.port}` === owner)!.raw();
        await raw.set(key, "v").finally(() => raw.disconnect());
      }
    } finally {
      first.disconnect();
    }
    const reply = await view(ids.cluster, "nodes");
    const primaries = reply.data.nodes.filter((node) => node.role === "primary");
    expect(primaries).toHaveLength(3);
    expect(reply.data.slotsCovered).toBe(16384);
    const ranges = primaries.flatMap((node) => node.slots).sort((a, b) => a[0] - b[0]);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(16383);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1] + 1);
    for (const [i, node] of cluster.nodes.entries()) {
      const shown = primaries.find((p) => p.address === `127.0.0.1:${node.port}`)!;
      expect(shown.error).toBeNull();
      expect(shown.keys).toBe(i + 1);
      expect(shown.usedMemory).toBeGreaterThan(0);
    }
    // The replica follows the first primary: listed after the primaries, no slots of its own, its primary's keys.
    const replicaAddress = `127.0.0.1:${cluster.replicas[0].port}`;
    const primary = primaries.find((p) => p.address === `127.0.0.1:${cluster.nodes[0].port}`)!;
    expect(reply.data.nodes).toHaveLength(4);
    expect(reply.data.nodes[3]).toMatchObject({ address: replicaAddress, role: "replica", primaryId: primary.id, slots: [], error: null });
    const replicaKeys = async () => (await view(ids.cluster, "nodes")).data.nodes.find((n) => n.address === replicaAddress)!.keys;
    await waitFor("the replica to hold its primary's key", async () => (await replicaKeys()) === 1, { timeoutMs: 10_000, intervalMs: 100 });
    expect(reply.nodeChoices).toEqual([
      ...cluster.nodes.map((n) => ({ address: `127.0.0.1:${n.port}`, role: "primary" })).sort((a, b) => a.address.localeCompare(b.address)),
      { address: replicaAddress, role: "replica" },
    ]);
  });

  it("says which node holds a key, binary keys and hash tags included", async () => {
    const withReplica: string[] = [];
    // "bar" is in slot 5061, served by the first primary (slots 0-5460), the one with a replica.
    for (const key of [Buffer.from("user:{42}:profile"), Buffer.from([0xff, 0xfe, 0x00, 0x01]), Buffer.from("another-key"), Buffer.from("bar")]) {
      const response = await keyNodeRoute(
        new Request(`${BASE}/api/c/${ids.cluster}/server/key-node`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: key.toString("base64") }) }),
        { params: Promise.resolve({ id: ids.cluster }) },
      );
      expect(response.status).toBe(200);
      const answer = (await response.json()) as KeyNodeAnswer;
      expect(answer.replicas).toEqual(answer.primary === `127.0.0.1:${cluster.nodes[0].port}` ? [`127.0.0.1:${cluster.replicas[0].port}`] : []);
      if (answer.replicas.length) withReplica.push(key.toString("latin1"));
      const raw = cluster.nodes[0].raw();
      try {
        expect(answer.slot).toBe(await raw.cluster("KEYSLOT", key));
      } finally {
        raw.disconnect();
      }
      // The node named answers the key itself; every other primary redirects it.
      for (const node of cluster.nodes) {
        const raw = node.raw();
        try {
          const own = `127.0.0.1:${node.port}` === answer.primary;
          const reply = raw.exists(key);
          if (own) await expect(reply).resolves.toBeGreaterThanOrEqual(0);
          else await expect(reply).rejects.toThrow(/MOVED/);
        } finally {
          raw.disconnect();
        }
      }
    }
    expect(withReplica).toContain("bar");
  });

  it("reads a per-node view from the node chosen, and has no db switcher", async () => {
    const address = `127.0.0.1:${cluster.nodes[1].port}`;
    const info = await view(ids.cluster, "info", address);
    const server = info.data.find((s) => s.name === "Server")!;
    expect(server.fields.find((f) => f.name === "tcp_port")!.value).toBe(String(cluster.nodes[1].port));
    const response = await databasesRoute(new Request(`${BASE}/api/c/${ids.cluster}/databases`), { params: Promise.resolve({ id: ids.cluster }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "UNSUPPORTED" });
  });

  it("shows Sentinel's monitored primary, its replica and the sentinels", async () => {
    const reply = await view(ids.sentinel, "sentinel");
    expect(reply.data.masters).toHaveLength(1);
    const master = reply.data.masters[0];
    expect(master.name).toBe(sentinel.masterName);
    expect(master.address).toBe(`127.0.0.1:${await sentinel.currentPrimaryPort()}`);
    expect(master.flags).toContain("master");
    expect(master.quorum).toBe(2);
    expect(master.replicas.map((r) => r.address)).toEqual([`127.0.0.1:${sentinel.replica.port}`]);
    expect(master.sentinels.map((s) => s.address).sort()).toEqual(sentinel.sentinels.map((s) => `127.0.0.1:${s.port}`).sort());
    // The data views read the current primary, through the sentinels.
    const config = await view(ids.sentinel, "config");
    expect(config.data.find((e) => e.name === "requirepass")).toMatchObject({ redacted: true, value: "" });
    expect(config.data.find((e) => e.name === "masterauth")).toMatchObject({ redacted: true, value: "" });
  });
});
