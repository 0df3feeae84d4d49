export function Logo({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect x="3" y="5" width="26" height="7" rx="2" className="fill-indigo-600" />
      <rect x="3" y="14" width="26" height="7" rx="2" className="fill-indigo-500" />
      <rect x="3" y="23" width="26" height="5" rx="2" className="fill-indigo-400" />
      <circle cx="8" cy="8.5" r="1.5" className="fill-white" />
      <circle cx="8" cy="17.5" r="1.5" className="fill-white" />
    </svg>
  );
}
