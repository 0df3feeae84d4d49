import type { SettingsDraft } from "@/lib/kinds/draft";
import type { DriverKind } from "@/lib/drivers/types";
import { Field } from "../ui/field";
import { Check, TextArea } from "./form-parts";

/**
 * Each backend kind's own fields on the connection form: where its server is (the "Connection" section) and
 * what it adds to the "Authentication" and "TLS" sections. What the fields become, which secrets it asks
 * for and whether it has those sections at all is the kind's descriptor in `lib/kinds/`.
 */
interface PartProps {
  draft: SettingsDraft;
  set: <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) => void;
}

type Part = (props: PartProps) => React.ReactNode;

interface KindParts {
  address: Part;
  auth?: Part;
  tls?: Part;
}

function RedisAddress({ draft, set }: PartProps) {
  return (
    <div className="grid gap-3 sm:grid-cols-[1fr_7rem_5rem]">
      <Field label="Host" value={draft.host} onChange={(e) => set("host", e.target.value)} />
      <Field label="Port" inputMode="numeric" value={draft.port} onChange={(e) => set("port", e.target.value)} />
      <Field label="Database" inputMode="numeric" value={draft.db} onChange={(e) => set("db", e.target.value)} />
    </div>
  );
}

function SentinelAddress({ draft, set }: PartProps) {
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-[1fr_5rem]">
        <Field label="Master name" value={draft.masterName} onChange={(e) => set("masterName", e.target.value)} />
        <Field label="Database" inputMode="numeric" value={draft.db} onChange={(e) => set("db", e.target.value)} />
      </div>
      <TextArea label="Sentinels" rows={3} value={draft.addresses} onChange={(e) => set("addresses", e.target.value)} hint="One host:port per line (port 26379 when left out)." />
    </>
  );
}

function ClusterAddress({ draft, set }: PartProps) {
  return (
    <TextArea label="Cluster nodes" rows={3} value={draft.addresses} onChange={(e) => set("addresses", e.target.value)} hint="Any reachable nodes, one host:port per line; the rest is discovered." />
  );
}

function MemcachedServers({ draft, set }: PartProps) {
  return (
    <>
      <TextArea
        label="Servers"
        rows={3}
        value={draft.addresses}
        onChange={(e) => set("addresses", e.target.value)}
        hint="host:port or a socket path, one per line, spelled and ordered as the application's client has them: keys are placed by hashing these names."
      />
      <Field label="Item size limit (bytes)" inputMode="numeric" placeholder="1048576" value={draft.maxItemBytes} onChange={(e) => set("maxItemBytes", e.target.value)} hint="The server's -I setting." />
    </>
  );
}

function UwsgiAddress({ draft, set }: PartProps) {
  return (
    <>
      <p data-testid="uwsgi-plugin-note" className="rounded-md border border-sky-300/60 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100">
        Cacheboard reaches the caches through uWSGI&apos;s <code className="font-mono">cache</code> plugin: start uWSGI with{" "}
        <code className="font-mono">--plugin cache</code> (or <code className="font-mono">--plugins python3,cache</code>). Without it uWSGI answers,
        but cannot serve its caches to anyone but the app.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="uwsgi socket" placeholder="127.0.0.1:3031" value={draft.uwsgiAddress} onChange={(e) => set("uwsgiAddress", e.target.value)} />
        <Field label="Stats server" placeholder="127.0.0.1:9191" value={draft.uwsgiStatsAddress} onChange={(e) => set("uwsgiStatsAddress", e.target.value)} hint="For cache names, geometry and counters." />
      </div>
      <TextArea label="Caches (without a stats server)" rows={2} value={draft.uwsgiCaches} onChange={(e) => set("uwsgiCaches", e.target.value)} hint="One per line: name, or name keysize blocksize." />
    </>
  );
}

const PARTS: Record<DriverKind, KindParts> = {
  redis: { address: RedisAddress },
  "redis-sentinel": {
    address: SentinelAddress,
    auth: ({ draft, set }) => <Field label="Sentinel username" value={draft.sentinelUsername} onChange={(e) => set("sentinelUsername", e.target.value)} />,
    tls: ({ draft, set }) => <Check label="Also use TLS towards the sentinels" checked={draft.sentinelTls} onChange={(v) => set("sentinelTls", v)} />,
  },
  "redis-cluster": { address: ClusterAddress },
  memcached: { address: MemcachedServers },
  uwsgi: { address: UwsgiAddress },
};

export function KindSection({ kind, part, ...props }: PartProps & { kind: DriverKind; part: keyof KindParts }) {
  const Render = PARTS[kind][part];
  return Render ? <Render {...props} /> : null;
}
