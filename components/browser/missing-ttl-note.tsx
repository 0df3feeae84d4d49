/**
 * Said beside "only keys without a TTL" where the backend cannot do that in one step (memcached, uWSGI:
 * `capabilities.atomicExpireIfNoTtl` false): each key is checked, then touched.
 */
export function MissingTtlNote() {
  return (
    <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="missing-ttl-note">
      This cache checks each key&apos;s TTL and then sets it, in two steps: a key rewritten with its own TTL between the two gets this one instead.
    </p>
  );
}
