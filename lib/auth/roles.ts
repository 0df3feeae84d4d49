export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** viewer reads; editor also writes keys; admin also manages connections and users. */
export function roleAllows(role: string, needed: Role): boolean {
  return (ROLES as readonly string[]).includes(role) && RANK[role as Role] >= RANK[needed];
}

