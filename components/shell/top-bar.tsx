import Link from "next/link";
import type { SignedIn } from "@/lib/auth/session";
import { Logo } from "../logo";
import { SignOutButton } from "./sign-out-button";

const roleBadge: Record<string, string> = {
  admin: "bg-indigo-100 text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200",
  editor: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
  viewer: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

export function TopBar({ user }: { user: SignedIn["user"] }) {
  return (
    <header className="flex h-12 shrink-0 items-center justify-between border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
      <Link href="/" className="flex items-center gap-2 font-semibold">
        <Logo className="h-6 w-6" /> Cacheboard
      </Link>
      <div className="flex items-center gap-3 text-sm">
        <span data-testid="signed-in-user" className="text-slate-600 dark:text-slate-300">
          {user.name || user.email}
        </span>
        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${roleBadge[user.role]}`}>{user.role}</span>
        <SignOutButton />
      </div>
    </header>
  );
}
