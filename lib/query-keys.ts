/**
 * The one TanStack Query key factory. Mutations invalidate by these prefixes, so every read of a
 * connection's data must take its key from here.
 */
export const queryKeys = {
  all: ["cacheboard"] as const,
  connections: () => [...queryKeys.all, "connections"] as const,
  /** Reachability of every connection, polled once for all the status dots on a page. */
  connectionStatuses: () => [...queryKeys.connections(), "status"] as const,
  connectionStatus: (connectionId: string) => [...queryKeys.connections(), connectionId, "status"] as const,
  connectionStats: (connectionId: string) => [...queryKeys.connections(), connectionId, "stats"] as const,
  /** The overview cards' figures of every connection. */
  connectionsOverview: () => [...queryKeys.connections(), "overview"] as const,
  connection: (connectionId: string) => [...queryKeys.all, "c", connectionId] as const,
  keyPages: (connectionId: string, filter: Record<string, unknown>) => [...queryKeys.connection(connectionId), "keys", filter] as const,
  keysOf: (connectionId: string) => [...queryKeys.connection(connectionId), "keys"] as const,
  namespaceTree: (connectionId: string, delimiter: string) => [...queryKeys.connection(connectionId), "tree", delimiter] as const,
  keyDetail: (connectionId: string, keyParam: string) => [...queryKeys.connection(connectionId), "key", keyParam] as const,
  keyValuePage: (connectionId: string, keyParam: string, page: Record<string, unknown>) =>
    [...queryKeys.keyDetail(connectionId, keyParam), "page", page] as const,
  /** Progress of a background job (tree scan, namespace count/expire/delete). */
  job: (connectionId: string, jobId: string) => [...queryKeys.connection(connectionId), "job", jobId] as const,
  /** The running and recently finished jobs of a connection, everyone's (the Jobs tab and its count). */
  jobList: (connectionId: string) => [...queryKeys.connection(connectionId), "jobs"] as const,
  /** One Server tab view (and node) of a connection. */
  serverView: (connectionId: string, view: string, node: string | null) => [...queryKeys.connection(connectionId), "server", view, node] as const,
  /** A Redis server's databases with their key counts (the db switcher). */
  databases: (connectionId: string) => [...queryKeys.connection(connectionId), "databases"] as const,
  audit: (filter: Record<string, unknown>) => [...queryKeys.all, "audit", filter] as const,
};
