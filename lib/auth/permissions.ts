/**
 * What a person may do, by name. Actions, route handlers, pages and components ask `can(user, permission,
 * connection)`; the table below maps each permission onto today's roles, so a new permission is a line here
 * and its use where it is checked. Pure and client-safe.
 */
import { roleAllows, type Role } from "./roles";

export const PERMISSIONS = {
  /** Who is signed in. */
  "session.read": "viewer",
  /** One's own password and sign-out. */
  "account.manage": "viewer",
  /** Browse keys, read values, download them, run whole-namespace sorts and counts. */
  "keys.read": "viewer",
  /** Stop another person's running job (count, delete, import, export…); one's own only needs `keys.read`. */
  "jobs.cancel.others": "admin",
  /** Export keys to a file: every value it covers, which a viewer can read already. */
  "keys.export": "viewer",
  /** Import keys from an export file (creates and, when asked, overwrites keys). */
  "keys.import": "editor",
  /** Create, edit, rename, expire and delete keys and their elements. */
  "keys.write": "editor",
  /** Delete or expire a whole namespace (a background job). */
  "namespaces.write": "editor",
  /** Read a connection's stored keyspace analysis reports, and export them. */
  "analysis.read": "viewer",
  /** Run a keyspace analysis (a read-only pass over the whole keyspace) and delete reports. */
  "analysis.run": "editor",
  /** The command console: read-only commands (by the command's own flags). */
  "console.read": "viewer",
  /** The command console: commands that write keys. */
  "console.write": "editor",
  /** The command console: server state that changes nothing (CONFIG GET, CLIENT LIST, SLOWLOG GET…). */
  "console.inspect": "admin",
  /** The command console: every other command (the deny list stays closed unless the profile opens it). */
  "console.admin": "admin",
  /** The Server tab: slow log, clients, INFO, configuration (secrets redacted), latency, memory, nodes. */
  "server.read": "viewer",
  /** Reset the slow log and kill a client connection (audited). */
  "server.manage": "admin",
  /** The connection list, its health and statistics. */
  "connections.read": "viewer",
  /** Add, change, test and remove connections. */
  "connections.manage": "admin",
  "audit.read": "viewer",
  "audit.undo": "editor",
  /** Audit retention settings. */
  "audit.configure": "admin",
  "users.manage": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permissions that change a cache: refused on a read-only connection, whoever asks. Managing the server
 * (resetting its slow log, killing a client) changes no data, but a read-only connection means hands off
 * the server altogether: a killed client is somebody's dropped connection.
 */
const CACHE_WRITES = new Set<Permission>(["keys.write", "keys.import", "namespaces.write", "audit.undo", "console.write", "console.admin", "server.manage"]);

export function roleFor(permission: Permission): Role {
  return PERMISSIONS[permission];
}

export function changesCache(permission: Permission): boolean {
  return CACHE_WRITES.has(permission);
}

/** Whether the user's role grants the permission, and, for a cache write, whether the connection takes writes. */
export function can(user: { role: string }, permission: Permission, connection?: { readOnly: boolean }): boolean {
  if (!roleAllows(user.role, roleFor(permission))) return false;
  return !(connection?.readOnly && changesCache(permission));
}

/**
 * Who may stop a running job: the person who started it, and whoever may stop other people's. The one rule
 * behind the Cancel buttons (the jobs list offers it by this) and the `jobs.cancel` action (which checks it).
 */
export function mayCancelJob(user: { id: string; role: string }, ownerId: string): boolean {
  return user.id === ownerId || can(user, "jobs.cancel.others");
}
