import { AppLink as Link } from "@/components/ui/app-link";

export default function Unauthorized() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold">Please sign in</h1>
      <p className="text-slate-500">Your session has ended or you are not signed in.</p>
      <Link href="/login" className="text-indigo-600 hover:underline">Sign in</Link>
    </main>
  );
}
