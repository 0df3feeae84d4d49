import { NamespaceTree } from "../../keyspace";

/**
 * Folds a throwaway keyspace of generated keys (namespaces of every depth, Django `:1:` keys, aiocache locks,
 * binary bytes) into a tree, so the fold's code is compiled and optimised before the first real scan.
 */
export function warmUpTree(keys = 60_000): void {
  const tree = new NamespaceTree({ delimiter: ":", kind: "redis", maxChildren: 2_000 });
  const batch: Buffer[] = [];
  for (let i = 0; i < keys; i++) {
    const shape = i % 5;
    const key =
      shape === 0
        ? `app${i % 3000}:sub${i % 7}:${i}`
        : shape === 1
          ? `:1:views:${i}`
          : shape === 2
            ? `cache:${i % 50}:item-${i}-lock`
            : shape === 3
              ? `plain${i}`
              : `LITESTAR:${i % 11}:session:${i}`;
    batch.push(shape === 4 && i % 2 === 0 ? Buffer.concat([Buffer.from(key), Buffer.from([0xff, 0x00])]) : Buffer.from(key));
    if (batch.length === 1000) tree.add(batch.splice(0));
  }
  tree.add(batch);
  tree.add(batch.map((key, i) => ({ key, size: i, ttl: i % 2 ? null : 60 })));
}
