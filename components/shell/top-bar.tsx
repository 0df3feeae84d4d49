import { AppLink as Link } from "@/components/ui/app-link";
import type { SignedIn } from "@/lib/auth/session";
import { Logo } from "../logo";
import { NavDrawer } from "./nav-drawer";
import { SignOutButton } from "./sign-out-button";
import { ThemeSwitch } from "./theme-switch";

const roleBadge: Record<string, string> = {
  admin: "bg-indigo-100 text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200",
  editor: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
  viewer: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

/** `nav` is the sidebar, shown again in a drawer on narrow screens. */
export function TopBar({ user, nav }: { user: SignedIn["user"]; nav?: React.ReactNode }) {
  return (
    <header className="flex h-12 shrink-0 items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 sm:px-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex min-w-0 items-center gap-2">
        {nav && <NavDrawer>{nav}</NavDrawer>}
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <Logo className="h-6 w-6" /> <span className="hidden min-[400px]:inline">Cacheboard</span>
        </Link>
      </div>
      <div className="flex min-w-0 items-center gap-2 text-sm sm:gap-3">
        <ThemeSwitch />
        <span data-testid="signed-in-user" className="hidden truncate text-slate-600 sm:inline dark:text-slate-300">
          {user.name || user.email}
        </span>
        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${roleBadge[user.role]}`} title={user.name || user.email}>
          {user.role}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}
