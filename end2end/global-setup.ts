import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PORT } from "./playwright.config";

export const RUN_DIR = path.join(__dirname, ".run");
export const STATE_FILE = path.join(RUN_DIR, "state.json");

/** Start `yinjian serve` on a fresh SQLite database; collect the demo accounts it prints. */
export default async function globalSetup() {
  const bin = process.env.YINJIAN_BIN;
  if (!bin) throw new Error("YINJIAN_BIN is not set (run the browser tests through `make e2e`)");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "yinjian-e2e-"));
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const log = fs.openSync(path.join(RUN_DIR, "server.log"), "w");
  const child = spawn(bin, ["serve"], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      YINJIAN_TRAIL_KEY_FILE: `${dataDir}/trail.key`,
      YINJIAN_ADDR: `127.0.0.1:${PORT}`,
      YINJIAN_SITE_ROOT: process.env.YINJIAN_SITE_ROOT || path.join(__dirname, "..", "target", "site"),
      RUST_LOG: "info,sqlx=warn",
      YINJIAN_DEMO: "true",
      // every test signs in from 127.0.0.1, several accounts a minute (a first sign-in with the
      // one-time password that a test before has already changed counts too): the per-address
      // limit (30 a minute) is a server rule, tested in server/tests/it/auth.rs, not here
      YINJIAN_LOGIN_RATE_PER_MINUTE: "600",
    },
    stdio: ["ignore", "pipe", log],
    detached: true,
  });
  const accounts: Record<string, { employeeNo: string; password: string }> = {};
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d.toString();
    fs.appendFileSync(path.join(RUN_DIR, "server.out"), d);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`yinjian exited (${child.exitCode}): ${out}`);
    if (out.includes("listening on")) break;
    if (Date.now() > deadline) throw new Error(`yinjian did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const line of out.split("\n")) {
    const m = line.match(/^DEMO (\S+)\s+(\S+)\s+.*password: (\S+)\s*$/);
    if (m) accounts[m[1]] = { employeeNo: m[2], password: m[3] };
  }
  if (!accounts.clerk) throw new Error(`no demo accounts printed: ${out}`);
  const health = await fetch(`http://127.0.0.1:${PORT}/healthz`);
  if (!health.ok) throw new Error("healthz failed");
  fs.writeFileSync(STATE_FILE, JSON.stringify({ pid: child.pid, dataDir, accounts }, null, 2));
  child.unref();
}
