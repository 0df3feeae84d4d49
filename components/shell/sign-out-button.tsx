"use client";

import { useTransition } from "react";
import { signOut } from "@/lib/actions/auth/sign-out";
import { Button } from "../ui/button";

export function SignOutButton() {
  const [pending, start] = useTransition();
  return (
    <Button variant="ghost" size="sm" disabled={pending} onClick={() => start(async () => void (await signOut({})))}>
      Sign out
    </Button>
  );
}
