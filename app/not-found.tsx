import type { Metadata } from "next";
import { AppLink as Link } from "@/components/ui/app-link";
import { Logo } from "@/components/logo";

export const metadata: Metadata = { title: "Not found" };

/** Any address that names no page, and any page that called notFound() (an unknown connection, say). */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 p-8 text-center" data-testid="not-found">
      <Logo className="h-10 w-10" />
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="max-w-md text-slate-500 dark:text-slate-400">
        Nothing lives at this address: the link may be old, or the connection it pointed at was removed.
      </p>
      <Link href="/" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
        Go to the overview
      </Link>
    </main>
  );
}
