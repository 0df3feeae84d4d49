"use client";

import { Logo } from "@/components/logo";
import { DATABASE_UNAVAILABLE } from "@/lib/db-errors";

/**
 * Any page whose server work failed. The database's own failure is named (its digest survives production
 * builds, which hide messages); anything else is a bug, logged on the server.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const database = error.digest === DATABASE_UNAVAILABLE;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-8 text-center" data-testid="page-error">
      <Logo className="h-10 w-10" />
      <h1 className="text-2xl font-semibold">{database ? "Database unavailable" : "Something went wrong"}</h1>
      <p className="max-w-md text-slate-500 dark:text-slate-400">
        {database
          ? "Cacheboard cannot use its database right now (locked, read-only or unreachable). Nothing was changed. Try again shortly; if it persists, an operator should check the database."
          : "The server could not show this page; its log has the details."}
      </p>
      <button type="button" onClick={reset} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
        Try again
      </button>
    </main>
  );
}
