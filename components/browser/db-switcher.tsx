"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { inputClass } from "@/components/ui/field";
import { fetchDatabases } from "@/components/server/api";
import { formatCount } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

/**
 * The Redis database the key browser shows (`?db=`), with each database's key count from INFO keyspace.
 * Choosing one opens that database's browser; the profile's own database is the page without `db`.
 */
export function DbSwitcher({ profileId, db }: { profileId: string; db: number | null }) {
  const router = useRouter();
  const query = useQuery({ queryKey: queryKeys.databases(profileId), queryFn: () => fetchDatabases(profileId), refetchInterval: 30_000, retry: false });
  const reply = query.data;
  if (!reply) return null;
  const current = db ?? reply.profileDb;
  return (
    <select
      aria-label="Database"
      title={`Redis database (SELECT); key counts from INFO keyspace. The profile's own is db${reply.profileDb}.`}
      className={`${inputClass} w-auto! py-1.5 font-mono text-xs`}
      value={current}
      onChange={(e) => {
        const chosen = Number(e.target.value);
        router.push(chosen === reply.profileDb ? `/c/${profileId}` : `/c/${profileId}?db=${chosen}`);
      }}
    >
      {reply.databases.map((entry) => (
        <option key={entry.index} value={entry.index}>
          db{entry.index} · {formatCount(entry.keys)} {entry.keys === 1 ? "key" : "keys"}
        </option>
      ))}
    </select>
  );
}
