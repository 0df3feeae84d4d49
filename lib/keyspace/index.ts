/**
 * Key schemes and the namespace tree. Pure functions and plain classes over byte keys, usable on the server
 * (scans) and in the browser (the tree view).
 */
export { recognizeKey, isAiocacheLockValue, isLitestarChildStore } from "./schemes";
export { NamespaceTree, biggest, biggestFirst, namespaceMatchPattern, ttlBucket, type KeyEntry, type NamespaceNode } from "./tree";
