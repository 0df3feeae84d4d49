/** What a connection's tab shows while its page renders on the server. */
export function TabLoading() {
  return (
    <div role="status" aria-label="Loading the connection" className="flex h-full items-center justify-center text-sm text-slate-500">
      <span className="mr-2 inline-block h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
      Loading…
    </div>
  );
}
