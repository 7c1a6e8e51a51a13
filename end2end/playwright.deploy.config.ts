import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The deployment smoke test through the TLS proxy (deploy/try-local.sh brings the proxy and
// two instances up; no global setup of our own).
export default defineConfig({
  ...base,
  testDir: "./deploy",
  globalSetup: undefined,
  globalTeardown: undefined,
  use: { ...base.use, baseURL: process.env.DEPLOY_BASE || "https://localhost:8443", ignoreHTTPSErrors: true },
});
