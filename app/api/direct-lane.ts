import { directLane } from "@/lib/server/direct-lane";
import { POST as openKey } from "./c/[id]/key/route";
import { POST as keyPage } from "./c/[id]/keys/route";
import { GET as namespaceTree } from "./c/[id]/keys/tree/route";

/**
 * The routes the direct lane answers before Next.js (see lib/server/direct-lane.ts): each path is its route
 * file's folder, each route a `defineDirectRoute` exported by that file. Registered by instrumentation.ts;
 * scripts/serve.mjs hands every request to it first.
 */
export const serveDirect = directLane([
  { method: "POST", path: "/api/c/[id]/key", route: openKey.direct },
  { method: "POST", path: "/api/c/[id]/keys", route: keyPage.direct },
  { method: "GET", path: "/api/c/[id]/keys/tree", route: namespaceTree.direct },
]);
