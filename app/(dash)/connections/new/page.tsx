import type { Metadata } from "next";
import { ConnectionForm } from "@/components/connections/connection-form";
import { requirePageUser } from "@/lib/auth/guard";
import { localRedisOffer } from "@/lib/connections/local-offer";
import { scanPaceDefaults } from "@/lib/connections/scan-pace";

export const metadata: Metadata = { title: "Add a connection" };

export default async function NewConnectionPage({ searchParams }: { searchParams: Promise<{ local?: string }> }) {
  await requirePageUser("connections.manage");
  const offer = await localRedisOffer();
  const { local } = await searchParams;
  return (
    <div className="mx-auto max-w-3xl space-y-5 p-6">
      <h1 className="text-xl font-semibold">Add a connection</h1>
      {offer && !local && (
        <p className="rounded-md border border-indigo-300/60 bg-indigo-50 px-4 py-3 text-sm text-indigo-900 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-100">
          A Redis server answers on {offer}.{" "}
          <a href="?local=1" className="font-medium underline">
            Fill the form in for it
          </a>
        </p>
      )}
      <ConnectionForm prefill={offer && local ? `redis://${offer}/0` : undefined} scanDefaults={scanPaceDefaults(process.env)} />
    </div>
  );
}
