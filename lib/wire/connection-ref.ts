/**
 * How the key browser names a connection: the profile id, or `<id>~<db>` for another database of the same
 * Redis server (the db switcher). Routes and actions take either where they take a connection id, so every
 * read and write of a page browsing database 3 goes to database 3 — each request says which, and two tabs on
 * two databases cannot mix them up. Client-safe.
 */

const SEPARATOR = "~";

export function connectionRef(id: string, db: number | null): string {
  return db === null ? id : `${id}${SEPARATOR}${db}`;
}

/** The profile id and the chosen database (null: the profile's own). */
export function parseConnectionRef(ref: string): { id: string; db: number | null } {
  const at = ref.lastIndexOf(SEPARATOR);
  if (at < 0) return { id: ref, db: null };
  const db = ref.slice(at + 1);
  // Not a database number: the whole text is the id, which then matches no profile.
  if (!/^\d{1,5}$/.test(db)) return { id: ref, db: null };
  return { id: ref.slice(0, at), db: Number(db) };
}
