import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConnectionForm } from "@/components/connections/connection-form";
import { requirePageUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";
import { scanPaceDefaults } from "@/lib/connections/scan-pace";

export const metadata: Metadata = { title: "Edit connection" };

export default async function EditConnectionPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("connections.manage");
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  return (
    <div className="mx-auto max-w-3xl space-y-5 p-6">
      <h1 className="text-xl font-semibold">Edit {profile.name}</h1>
      {profile.managed ? (
        <p role="status" className="rounded-md border border-sky-300/60 bg-sky-50 px-4 py-3 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
          This connection is declared by the deployment&apos;s connections file and is applied at every start; change it there.
        </p>
      ) : (
        <ConnectionForm profile={profile} scanDefaults={scanPaceDefaults(process.env)} />
      )}
    </div>
  );
}
