import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { KeyBrowser } from "@/components/browser/key-browser";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";
import { firstKeyPage } from "@/lib/server/keys/first-page";
import { readIndexForPage } from "@/lib/server/keys/keyspace-index";
import { connectionRef } from "@/lib/wire/connection-ref";

export const metadata: Metadata = { title: "Keys" };

type Search = Record<string, string | string[] | undefined>;

/**
 * `?db=N` browses database N of a Redis server (the db switcher); the profile's own database without it. Without
 * a filter in the URL the first rows of the key list are read here, so they come with the HTML, and so does the
 * namespace tree's first level when the connection's index is already built.
 */
export default async function ConnectionKeysPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Search> }) {
  const { user } = await requirePageUser();
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  // The pooled driver's own capabilities: limits that follow the profile (memcached's item size) or the
  // server (uWSGI's cache geometry, once read) are this connection's, not the kind's defaults.
  const capabilities = connection.driver().capabilities;
  const search = await searchParams;
  const dbParam = search.db;
  const db = capabilities.databases && typeof dbParam === "string" && /^\d{1,5}$/.test(dbParam) ? Number(dbParam) : null;
  const unfiltered = !search.ns && !search.q && !search.type;
  const listed = db === null ? connection : await loadConnection(connectionRef(profile.id, db));
  const initialPage = unfiltered && listed ? await firstKeyPage(listed) : null;
  // A namespace index this process already holds comes with the HTML too (the tree's first level at first paint).
  const initialTree = listed && capabilities.listKeys && can(user, "keys.read", profile) ? readIndexForPage(listed.scope, profile.keyDelimiter) : null;
  return (
    <KeyBrowser
      key={db ?? "own"}
      profile={profile}
      capabilities={capabilities}
      canWrite={can(user, "keys.write", profile)}
      transfer={{ export: can(user, "keys.export", profile), import: can(user, "keys.import", profile) }}
      db={db}
      initialPage={initialPage}
      initialTree={initialTree}
    />
  );
}
