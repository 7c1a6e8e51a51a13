import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Browser benchmarks (not part of `make test`): `make bench-wasm`.
export default defineConfig({ ...base, testDir: "./bench", testMatch: "**/*.bench.ts", timeout: 600_000 });
