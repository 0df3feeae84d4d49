import { defineConfig } from "prisma/config";

// The CLI only needs the URL for `prisma migrate deploy` on machines that can run Prisma's own engine;
// Cacheboard applies its migrations itself (scripts/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/cacheboard.db" },
});
