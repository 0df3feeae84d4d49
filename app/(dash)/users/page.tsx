import type { Metadata } from "next";
import { CreateUserForm } from "@/components/users/create-user-form";
import { UserRowControls } from "@/components/users/user-row-controls";
import { requirePageUser } from "@/lib/auth/guard";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const { user: me } = await requirePageUser("users.manage");
  const users = await db().user.findMany({ orderBy: { createdAt: "asc" } });
  return (
    <div className="mx-auto max-w-5xl space-y-8 p-6">
      <h1 className="text-xl font-semibold">Users</h1>
      <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900">
        <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase dark:bg-slate-800/50">
          <tr>
            <th className="px-4 py-2">Email</th>
            <th className="px-4 py-2">Name</th>
            <th className="px-4 py-2">Status</th>
            <th className="px-4 py-2 text-right">Role and access</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className="border-t border-slate-100 dark:border-slate-800">
              <td className="px-4 py-2">
                {u.email}
                {u.id === me.id && <span className="ml-2 text-xs text-slate-500">(you)</span>}
              </td>
              <td className="px-4 py-2">{u.name ?? "—"}</td>
              <td className="px-4 py-2">
                <span className={u.disabled ? "text-red-600 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}>{u.disabled ? "disabled" : "active"}</span>
              </td>
              <td className="px-4 py-2">
                <UserRowControls user={{ id: u.id, email: u.email, role: u.role as Role, disabled: u.disabled }} self={u.id === me.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="max-w-md">
        <h2 className="mb-3 font-semibold">Add a user</h2>
        <CreateUserForm />
      </section>
    </div>
  );
}
