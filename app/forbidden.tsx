import { AppLink as Link } from "@/components/ui/app-link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="text-slate-500">Your role does not give access to this page. Ask an admin if you need it.</p>
      <Link href="/" className="text-indigo-600 hover:underline">Back to the overview</Link>
    </main>
  );
}
