import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { KeyBrowser } from "@/components/browser/key-browser";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";
import { driverCapabilities } from "@/lib/drivers/registry";

export const metadata: Metadata = { title: "Keys" };

export default async function ConnectionKeysPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageUser();
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  return (
    <KeyBrowser
      profile={profile}
      capabilities={driverCapabilities(profile.kind)}
      canWrite={can(user, "keys.write", profile)}
      transfer={{ export: can(user, "keys.export", profile), import: can(user, "keys.import", profile) }}
    />
  );
}
