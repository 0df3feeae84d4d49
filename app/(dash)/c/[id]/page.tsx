import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { KeyBrowser } from "@/components/browser/key-browser";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";

export const metadata: Metadata = { title: "Keys" };

export default async function ConnectionKeysPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageUser();
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  // The pooled driver's own capabilities: limits that follow the profile (memcached's item size) or the
  // server (uWSGI's cache geometry, once read) are this connection's, not the kind's defaults.
  return (
    <KeyBrowser
      profile={profile}
      capabilities={connection.driver().capabilities}
      canWrite={can(user, "keys.write", profile)}
    />
  );
}
