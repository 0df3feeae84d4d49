/**
 * Key schemes and the namespace tree. Pure functions and plain classes over byte keys, usable on the server
 * (scans) and in the browser (the tree view).
 */
export { recognizeKey, isAiocacheLockValue, isLitestarChildStore, litestarNamespace, type KeyScheme, type KeyContext, type SchemeId } from "./schemes";
export {
  NamespaceTree,
  biggestFirst,
  namespaceMatchPattern,
  ttlBucket,
  type KeyEntry,
  type NamespaceNode,
  type TreeOptions,
  type TtlHistogram,
  type Ttl,
} from "./tree";
