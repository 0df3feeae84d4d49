/**
 * The Redis server's own diagnostics for the Server tab, read from one node: SLOWLOG, CLIENT LIST, INFO,
 * CONFIG GET (secrets redacted), LATENCY and MEMORY STATS. Cluster and Sentinel topology are in
 * `topology.ts`. Read commands only, except SLOWLOG RESET and CLIENT KILL, which callers gate.
 */
import type { Redis } from "ioredis";
import type { ClientRow, ConfigEntry, InfoSection, LatencyView, MemoryStatsView, ServerView, ServerViewReply, SlowlogView } from "../../wire/server";
import { DriverError } from "../errors";
import type { ServerOps, ServerViewOptions } from "../server-ops";
import type { Capabilities } from "../types";
import type { Client, RedisConnection } from "./client";
import { buf, num, text, type Reply } from "./replies";
import { keyNode, nodeChoices, readDatabases, readNodes, readSentinel } from "./topology";

/** How many slow log entries a view shows (the newest). */
const SLOWLOG_ENTRIES = 128;

/** CONFIG parameters whose values are secrets: passwords of this server, of its primary and of TLS keys. */
const SECRET_CONFIG = /pass|auth|secret/i;

/** CONFIG GET of one parameter; null when the ACL user may not read the configuration. */
async function configValue(connection: RedisConnection, node: Redis, name: string): Promise<string | null> {
  try {
    const reply = (await connection.call(node, "CONFIG", "GET", name)) as Reply[];
    return reply.length >= 2 ? text(reply[1]) : null;
  } catch {
    return null;
  }
}

async function readSlowlog(connection: RedisConnection, node: Redis): Promise<SlowlogView> {
  const [entries, length, threshold, maxLength] = await Promise.all([
    connection.call(node, "SLOWLOG", "GET", SLOWLOG_ENTRIES) as Promise<Reply[]>,
    connection.call(node, "SLOWLOG", "LEN"),
    configValue(connection, node, "slowlog-log-slower-than"),
    configValue(connection, node, "slowlog-max-len"),
  ]);
  return {
    entries: entries.map((raw) => {
      const entry = raw as Reply[];
      return {
        id: num(entry[0]),
        at: num(entry[1]),
        durationUs: num(entry[2]),
        args: ((entry[3] as Reply[] | undefined) ?? []).map((arg) => buf(arg).toString("base64")),
        client: text(entry[4]),
        clientName: text(entry[5]),
      };
    }),
    length: num(length),
    thresholdUs: threshold === null ? null : Number(threshold),
    maxLength: maxLength === null ? null : Number(maxLength),
  };
}

async function resetSlowlog(connection: RedisConnection, node: Redis): Promise<void> {
  await connection.call(node, "SLOWLOG", "RESET");
}

/** CLIENT LIST: one line per client of `name=value` fields; names are printable ASCII without spaces. */
async function readClients(connection: RedisConnection, node: Redis): Promise<ClientRow[]> {
  const listing = buf(await connection.call(node, "CLIENT", "LIST")).toString("latin1");
  return listing
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const fields: Record<string, string> = {};
      for (const part of line.trim().split(" ")) {
        const eq = part.indexOf("=");
        if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
      }
      return { id: fields.id ?? "", fields, name: Buffer.from(fields.name ?? "", "latin1").toString("base64") };
    });
}

async function killClient(connection: RedisConnection, node: Redis, id: string): Promise<boolean> {
  return num(await connection.call(node, "CLIENT", "KILL", "ID", id)) > 0;
}

/** INFO everything, by section in the server's order. */
async function readInfo(connection: RedisConnection, node: Redis): Promise<InfoSection[]> {
  const sections: InfoSection[] = [];
  for (const line of text(await connection.call(node, "INFO", "everything")).split("\r\n")) {
    if (line.startsWith("# ")) sections.push({ name: line.slice(2).trim(), fields: [] });
    else if (line && sections.length > 0) {
      const colon = line.indexOf(":");
      if (colon > 0) sections[sections.length - 1].fields.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
    }
  }
  return sections;
}

/** CONFIG GET *, sorted by name; passwords are replaced by a mark (an empty one is shown as empty). */
async function readConfig(connection: RedisConnection, node: Redis): Promise<ConfigEntry[]> {
  const flat = (await connection.call(node, "CONFIG", "GET", "*")) as Reply[];
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = text(flat[i]);
    const value = text(flat[i + 1]);
    const redacted = SECRET_CONFIG.test(name) && value !== "";
    entries.push({ name, value: redacted ? "" : value, redacted });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

async function readLatency(connection: RedisConnection, node: Redis): Promise<LatencyView> {
  const [threshold, doctor, latest] = await Promise.all([
    configValue(connection, node, "latency-monitor-threshold"),
    connection.call(node, "LATENCY", "DOCTOR"),
    connection.call(node, "LATENCY", "LATEST") as Promise<Reply[]>,
  ]);
  const events = await Promise.all(
    latest.map(async (raw) => {
      const [event, at, last, max] = raw as Reply[];
      const history = (await connection.call(node, "LATENCY", "HISTORY", text(event))) as Reply[];
      return {
        event: text(event),
        latestAt: num(at),
        latestMs: num(last),
        maxMs: num(max),
        history: history.map((point) => ({ at: num((point as Reply[])[0]), ms: num((point as Reply[])[1]) })),
      };
    }),
  );
  return { thresholdMs: threshold === null ? null : Number(threshold), doctor: text(doctor), events };
}

/** MEMORY STATS, nested maps (per-db overheads) flattened into dotted names. */
async function readMemoryStats(connection: RedisConnection, node: Redis): Promise<MemoryStatsView> {
  const fields: { name: string; value: string }[] = [];
  const walk = (flat: Reply[], prefix: string) => {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = `${prefix}${text(flat[i])}`;
      const value = flat[i + 1];
      if (Array.isArray(value)) walk(value, `${name}.`);
      else fields.push({ name, value: text(value) });
    }
  };
  walk((await connection.call(node, "MEMORY", "STATS")) as Reply[], "");
  return { fields };
}

/** The Server tab's operations for one Redis deployment; a view the kind does not offer answers UNSUPPORTED. */
export function redisServerOps(connection: RedisConnection, capabilities: Capabilities): ServerOps {
  const views = capabilities.serverViews;
  const on = <T>(options: ServerViewOptions | undefined, op: (node: Redis, client: Client) => Promise<T>) =>
    connection.run((client) => op(connection.nodeAt(client, options?.node), client));
  const offered = (view: ServerView) => {
    if (!views.includes(view)) throw new DriverError("UNSUPPORTED", `This connection has no ${view} view`);
  };
  const reply = async (view: ServerView, options?: ServerViewOptions): Promise<ServerViewReply> => {
    switch (view) {
      case "slowlog":
        return { view, data: await on(options, (node) => readSlowlog(connection, node)) };
      case "clients":
        return { view, data: await on(options, (node) => readClients(connection, node)) };
      case "info":
        return { view, data: await on(options, (node) => readInfo(connection, node)) };
      case "config":
        return { view, data: await on(options, (node) => readConfig(connection, node)) };
      case "latency":
        return { view, data: await on(options, (node) => readLatency(connection, node)) };
      case "memory":
        return { view, data: await on(options, (node) => readMemoryStats(connection, node)) };
      case "nodes":
        return { view, data: await connection.run((client) => readNodes(connection, client)) };
      case "sentinel":
        return { view, data: await readSentinel(connection) };
      default:
        throw new DriverError("UNSUPPORTED", `This connection has no ${view} view`);
    }
  };
  return {
    nodeChoices: () => connection.run(async (client) => nodeChoices(connection, client)),
    view: async (view, options) => {
      offered(view);
      return reply(view, options);
    },
    resetSlowlog: async (options) => {
      offered("slowlog");
      await on(options, (node) => resetSlowlog(connection, node));
    },
    killClient: async (id, options) => {
      offered("clients");
      return on(options, (node) => killClient(connection, node, id));
    },
    keyNode: async (key) => {
      offered("nodes");
      return connection.run((client) => keyNode(connection, client, key));
    },
    databases: async () => {
      if (!capabilities.databases) throw new DriverError("UNSUPPORTED", "A Redis Cluster has only database 0");
      return connection.run((client) => readDatabases(connection, client));
    },
  };
}
