/**
 * The one conformance suite every driver runs against a real server, one file per capability group. It
 * branches only on `driver.capabilities`, never on the kind, so memcached and uWSGI run the same tests as
 * Redis. A test whose capability the backend lacks is reported skipped with the reason (`ctx.skip`), never
 * passed: the capabilities are known only once the target is set up (uWSGI's limits come from its stats
 * server), so `it.skipIf`, which is decided when the tests are collected, cannot see them.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { basicsGroup } from "./basics";
import { collectionsGroup } from "./collections";
import { countersGroup } from "./counters";
import { expiryGroup } from "./expiry";
import { failuresGroup } from "./failures";
import type { ConformanceOptions, ConformanceTarget, Suite } from "./helpers";
import { listingGroup } from "./listing";
import { namespacesGroup } from "./namespaces";
import { renameRestoreGroup } from "./rename-restore";
import { serverViewsGroup } from "./server-views";
import { stringsGroup } from "./strings";
import { unsupportedGroup } from "./unsupported";

export { expectCode, type ConformanceOptions, type ConformanceTarget } from "./helpers";

const groups = [
  basicsGroup,
  unsupportedGroup,
  stringsGroup,
  expiryGroup,
  listingGroup,
  namespacesGroup,
  countersGroup,
  renameRestoreGroup,
  collectionsGroup,
  failuresGroup,
  serverViewsGroup,
];

export function runDriverConformance(name: string, setup: () => Promise<ConformanceTarget>, options: ConformanceOptions = {}): void {
  describe(`driver conformance: ${name}`, () => {
    // Filled in before any group's tests run: each group reads it in its own beforeAll.
    const suite = { options } as Suite;

    beforeAll(async () => {
      suite.target = await setup();
      suite.driver = suite.target.driver;
      suite.caps = suite.driver.capabilities;
    });

    afterAll(async () => {
      await suite.driver?.dispose();
      await suite.target?.teardown();
    });

    for (const group of groups) group(suite);
  });
}
