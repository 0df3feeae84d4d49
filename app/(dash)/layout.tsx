import { Sidebar } from "@/components/shell/sidebar";
import { TopBar } from "@/components/shell/top-bar";
import { requirePageUser } from "@/lib/auth/guard";
import { listConnections } from "@/lib/queries/connections";

// Every page reads the session and the database: nothing here can be prerendered at build time.
export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requirePageUser();
  const connections = await listConnections();
  const sidebar = (
    <Sidebar
      role={user.role}
      connections={connections.map((c) => ({ id: c.id, name: c.name, kind: c.kind, environment: c.environment, readOnly: c.readOnly, color: c.color }))}
    />
  );
  return (
    <div className="flex h-dvh flex-col">
      <TopBar user={user} nav={sidebar} />
      <div className="flex min-h-0 flex-1">
        {/* Beside the page from `md` up; below it the top bar's menu button opens the same sidebar as a drawer. */}
        <div className="hidden md:flex">{sidebar}</div>
        <main className="min-w-0 flex-1 overflow-auto">{children}</main>
      </div>
    </div>
  );
}
