import { describe, expect, it } from "vitest";
import { can, changesCache, mayCancelJob, PERMISSIONS, roleFor, type Permission } from "@/lib/auth/permissions";
import { ROLES } from "@/lib/auth/roles";

describe("permissions", () => {
  it("map onto today's roles: viewers read, editors also change keys, admins also manage", () => {
    const granted = (role: string) => (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can({ role }, p)).sort();
    expect(granted("viewer")).toEqual(["account.manage", "analysis.read", "audit.read", "connections.read", "console.read", "keys.export", "keys.read", "server.read", "session.read"]);
    expect(granted("editor")).toEqual([...granted("viewer"), "analysis.run", "audit.undo", "console.write", "keys.import", "keys.write", "namespaces.write"].sort());
    expect(granted("admin")).toEqual((Object.keys(PERMISSIONS) as Permission[]).sort());
    expect(granted("nobody")).toEqual([]);
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) expect(ROLES).toContain(roleFor(permission));
  });

  it("refuse cache writes on a read-only connection to every role, and allow reads there", () => {
    const readOnly = { readOnly: true };
    for (const role of ROLES) {
      expect(can({ role }, "keys.write", readOnly)).toBe(false);
      expect(can({ role }, "namespaces.write", readOnly)).toBe(false);
      expect(can({ role }, "keys.read", readOnly)).toBe(true);
      expect(can({ role }, "console.write", readOnly)).toBe(false);
      expect(can({ role }, "console.admin", readOnly)).toBe(false);
      expect(can({ role }, "server.manage", readOnly)).toBe(false);
      expect(can({ role }, "keys.import", readOnly)).toBe(false);
      expect(can({ role }, "server.read", readOnly)).toBe(ROLES.indexOf(role) >= 0);
    }
    expect(can({ role: "editor" }, "keys.write", { readOnly: false })).toBe(true);
    expect(changesCache("keys.write")).toBe(true);
    expect(changesCache("connections.manage")).toBe(false);
  });

  it("let a job be cancelled by the person who started it, whatever their role, and by an admin", () => {
    expect(mayCancelJob({ id: "u1", role: "viewer" }, "u1")).toBe(true);
    expect(mayCancelJob({ id: "u2", role: "viewer" }, "u1")).toBe(false);
    expect(mayCancelJob({ id: "u2", role: "editor" }, "u1")).toBe(false);
    expect(mayCancelJob({ id: "u2", role: "admin" }, "u1")).toBe(true);
  });
});
