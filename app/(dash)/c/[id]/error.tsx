"use client";

import { Button } from "@/components/ui/button";

export default function ConnectionError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="m-6 rounded-xl border border-red-300 bg-red-50 p-6 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
      <p className="font-semibold">This connection&apos;s page failed to load.</p>
      <p className="mt-1">{error.digest ? `Error reference ${error.digest}; the server log has the details.` : error.message}</p>
      <Button className="mt-4" variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
