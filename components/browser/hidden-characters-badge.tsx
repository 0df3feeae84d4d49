/**
 * Marks a key name that holds invisible or reordering characters (shown escaped as `\u202e`), so a person
 * knows the name is not what a plain rendering of it would suggest. The small one, beside names in narrow
 * columns, gives way to the name rather than hiding it.
 */
export function HiddenCharactersBadge({ small = false }: { small?: boolean }) {
  return (
    <span
      title="This name holds invisible or right-to-left characters; they are shown escaped (\u…)"
      className={`rounded bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200 ${small ? "min-w-4 truncate px-1 text-[10px]" : "shrink-0 px-1.5 text-xs"}`}
    >
      hidden characters
    </span>
  );
}
