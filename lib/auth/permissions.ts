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

/** Permissions that change a cache: refused on a read-only connection, whoever asks. */
const CACHE_WRITES = new Set<Permission>(["keys.write", "keys.import", "namespaces.write", "audit.undo"]);

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
