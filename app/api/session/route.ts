import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";

export const GET = withUser("viewer", async ({ user }) => NextResponse.json({ ok: true, user }));
