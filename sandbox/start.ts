/**
 * `npm start`: the sandbox demo. Starts emulated Jira, Xray and Testsigma on loopback around the app's real handlers,
 * seeds a demo site, runs a Testsigma plan and sends its results through the `xts` CLI, prints the Test Execution
 * Xray now holds, then stays up for you to send runs (`--once` exits after the demo: 0 when the run synced).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { invokeResolver, startSandbox, type Sandbox } from './host';
import { DEMO_ADMIN, DEMO_TESTER, seedDemo } from './demo';
import { listJobs } from '../src/store/job-store';
import { startPreview } from './preview/server';
import type { JobView, PanelView } from '../src/shared/types';

const once = process.argv.includes('--once');
const FINAL = new Set(['succeeded', 'partial', 'failed']);

/** Closes every server the sandbox started, once, whichever signal or exit comes first. */
let stopping: Promise<void> | undefined;
function stopOnSignals(sb: Sandbox): void {
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    console.log(`\n${signal}: stopping the sandbox (web trigger, Jira, Xray and Testsigma emulators)...`);
    stopping = sb.close().then(
      () => {
        console.log('Sandbox stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`Stopping the sandbox failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // npm's script runs `exec tsx`, so npm's signals reach tsx, which passes them on. Should the parent die without
  // passing one on (killed outright), this process is handed to another parent: stop then too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('SIGHUP');
  }, 500).unref();
}

function jobSummary(j: JobView): string {
  const statuses = j.statuses ? ` [${Object.entries(j.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}]` : '';
  return `received ${j.counts.received}, synced ${j.counts.synced}, unmapped ${j.counts.unmapped}, failed ${j.counts.failed}${statuses}`;
}

/**
 * Prints one line per delivery the web trigger accepted and one per job that ended, by watching the job store
 * the app writes (the sandbox's KVS), so that a run sent by hand shows up here.
 */
function watchDeliveries(sb: Sandbox, seen: Map<string, string>): NodeJS.Timeout {
  const tick = async () => {
    const { jobs } = await listJobs(sb.kvs);
    for (const j of [...jobs].reverse()) {
      const before = seen.get(j.jobId);
      if (before === undefined) {
        console.log(`[${new Date().toISOString()}] delivery: job ${j.jobId}, run ${j.runId}, ${j.counts.received} result(s), ${j.state}`);
      }
      if (FINAL.has(j.state) && !FINAL.has(before ?? '')) {
        const errors = j.errors.length > 0 ? `; ${j.errors.length} message(s), first: ${j.errors[0]}` : '';
        console.log(`[${new Date().toISOString()}] finished: job ${j.jobId}, run ${j.runId}: ${j.state}, ${jobSummary(j)} -> ${j.testExecutionKey ?? 'no Test Execution'}${errors}`);
      }
      seen.set(j.jobId, j.state);
    }
  };
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch((err: unknown) => console.error(`(could not read the job log: ${String(err)})`))
      .finally(() => (busy = false));
  }, 300);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function runCli(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'cli', 'dist', 'xts.cjs'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => resolve(code ?? 2));
  });
}

/** How often `npm start` runs the pick-up round (Forge runs the scheduled trigger every 5 minutes). */
const PICKUP_EVERY_MS = 10_000;

/**
 * Shows the pick-up: the admin switches it on (the demo's xts run above was a push delivery, which turns its default
 * off), a run is started in the Testsigma emulator as its UI would, and the next rounds record it in Xray with no
 * call to the app. Answers whether it arrived.
 */
async function demoPickup(sb: Sandbox, planId: string): Promise<boolean> {
  const saved = await invokeResolver(sb, 'admin', { key: 'saveSettings', payload: { testsigma: { autoPickup: true } }, accountId: DEMO_ADMIN });
  if (!saved.ok) return false;
  await sb.pickupRound(); // the first round marks the moment pick-up was switched on
  const run = sb.testsigma.state.startRunInTestsigma(planId, { buildNo: 'started-in-testsigma' });
  console.log(`\nA run started in Testsigma's UI: run ${run.id} of plan ${planId}, no call to the app.`);
  // Finished at once rather than in the emulator's 3 s: the demo waits for the pick-up, not for Testsigma.
  sb.testsigma.state.completeRun(run.id);
  for (let i = 0; i < 20; i++) {
    const round = await sb.pickupRound();
    if (round.pickedUp > 0) {
      const listed = await invokeResolver<{ jobs: JobView[] }>(sb, 'admin', { key: 'listJobs', accountId: DEMO_ADMIN });
      const job = listed.ok ? listed.data.jobs.find((j) => j.runId === String(run.id)) : undefined;
      console.log(`Pick-up round: run ${run.id} picked up -> ${job?.testExecutionKey ?? 'no Test Execution'} (${job?.state ?? 'no job'})`);
      return job?.testExecutionKey !== undefined;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`Pick-up round: run ${run.id} was not picked up.`);
  return false;
}

async function main(): Promise<number> {
  const sb = await startSandbox({ xrayDataRegion: 'eu' });
  stopOnSignals(sb);
  const demo = await seedDemo(sb);
  console.log('Testsigma links for Xray: sandbox demo');
  console.log(`  Jira (emulated)       ${sb.jira.url}`);
  console.log(`  Xray Cloud (emulated) ${sb.xray.url}  (data in the EU region)`);
  console.log(`  Testsigma (emulated)  ${sb.testsigma.url}`);
  console.log(`\nSeeded project ${demo.projectKey}: ${demo.tests.length} linked Tests, Test Set ${demo.testSet.key} <-> suite ${demo.testSet.suiteId}, Test Plan ${demo.testPlan.key} <-> Testsigma plan ${demo.testPlan.planId}.`);
  console.log(`Testsigma case ${demo.unlinkedCaseId} is left unlinked on purpose: it shows up as unmapped.\n`);

  console.log(`$ xts run --plan ${demo.testPlan.planId} --wait`);
  const code = await runCli(['run', '--plan', demo.testPlan.planId, '--wait', '--testsigma-url', sb.testsigma.url, '--poll-interval', '1'], {
    XTS_URL: demo.webtrigger.url,
    XTS_SECRET: demo.webtrigger.secret,
    TESTSIGMA_API_KEY: sb.testsigmaApiKey,
  });
  await sb.queue.idle();

  const execs = sb.world.listTestExecutions();
  const listed = await invokeResolver<{ jobs: JobView[] }>(sb, 'admin', { key: 'listJobs', accountId: DEMO_ADMIN });
  const jobs = listed.ok ? listed.data.jobs : [];
  console.log('\nWhat Xray holds now:');
  for (const e of execs) {
    console.log(`\nTest Execution ${e.key}  "${e.summary}"  project ${e.projectKey}`);
    console.log(`  labels: ${e.labels.join(', ') || '-'}   Test Plan: ${e.testPlanIds.map((id) => sb.world.findIssue(id)?.key).join(', ') || '-'}   environments: ${e.testEnvironments.join(', ') || '-'}`);
    console.log(
      table([
        ['Test', 'Status', 'Evidence', 'Comment'],
        ...e.runs.map((r) => [r.testKey, r.status, String(r.evidence.length), (r.comment ?? '').replace(/\s+/g, ' ').slice(0, 60)]),
      ]).replace(/^/gm, '  '),
    );
  }
  for (const j of jobs) {
    console.log(`\nJob ${j.jobId}: ${j.state}, run ${j.runId} -> ${j.testExecutionKey ?? '-'}; received ${j.counts.received}, synced ${j.counts.synced}, unmapped ${j.counts.unmapped} (${j.unmapped.join(', ') || '-'}), failed ${j.counts.failed}`);
    for (const e of j.errors) console.log(`  ! ${e}`);
  }
  const planPanel = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', accountId: DEMO_TESTER, issue: demo.testPlan });
  if (planPanel.ok) {
    const c = planPanel.data.coverage;
    console.log(`\nPanel on ${demo.testPlan.key}: ${c ? `${c.linked} of ${c.total} Tests linked` : 'coverage unavailable'}; recent runs: ${(planPanel.data.recentRuns ?? []).map((r) => `${r.runId} ${r.state}`).join(', ') || '-'}`);
  }
  const testPanel = await invokeResolver<PanelView>(sb, 'panel', { key: 'getPanel', accountId: DEMO_TESTER, issue: demo.tests[0]! });
  if (testPanel.ok) {
    const l = testPanel.data.links[0];
    console.log(`Panel on ${demo.tests[0]!.key}: case ${l?.testsigmaId} ${l?.name ? `"${l.name}" ` : ''}last result ${l?.lastResult ? `${l.lastResult.status} in ${l.lastResult.testExecutionKey}` : '-'}`);
  }

  const synced = code === 0 && execs.length === 1 && jobs.length > 0 && jobs.every((j) => j.state === 'succeeded' || j.state === 'partial');
  const pickedUp = await demoPickup(sb, demo.testPlan.planId);
  console.log(`\nXray requests: ${JSON.stringify(sb.xray.counters.snapshot())}`);
  if (once) {
    await sb.close();
    const ok = synced && pickedUp;
    console.log(ok ? '\nDemo OK: the runs are in Xray.' : '\nDemo FAILED: a run did not sync (see above).');
    return ok ? 0 : 1;
  }
  const preview = await startPreview({ port: Number(process.env.PREVIEW_PORT) || 0 });
  const previewSite = await preview.site('ready');
  console.log(`\nPreview of the app's panel and admin page (its own demo site; pick viewer, site state and issue at the top):\n  ${preview.url}`);
  console.log(`  runs sent to it show in its Test Plan panel after Refresh: XTS_URL='${previewSite.webtrigger.url}' XTS_SECRET='${previewSite.webtrigger.secret}'`);
  console.log('\nThe sandbox stays up. Send runs with:');
  console.log(`  export XTS_URL='${demo.webtrigger.url}' XTS_SECRET='${demo.webtrigger.secret}'`);
  console.log(`  npx xts send sandbox/examples/results.json --wait      (Tests ${demo.tests.map((t) => `${t.key}=case ${t.caseId}`).join(', ')})`);
  console.log(`  npx xts run --plan ${demo.testPlan.planId} --wait --testsigma-url ${sb.testsigma.url} --testsigma-key ${sb.testsigmaApiKey}`);
  console.log(
    `\nRuns started in its Testsigma emulator arrive by themselves: the pick-up round runs every ${PICKUP_EVERY_MS / 1000} seconds here (every 5 minutes on Forge). Start one as Testsigma's UI would:`,
  );
  console.log(
    `  curl -s -X POST -H 'Authorization: Bearer ${sb.testsigmaApiKey}' -H 'Content-Type: application/json' -d '{"executionId":${demo.testPlan.planId},"buildNo":"by-hand"}' ${sb.testsigma.url}/api/v1/execution_results`,
  );
  console.log(`Each delivery and each finished job is printed below. Stop with Ctrl+C (or kill ${process.pid}; ending npm's process works too).\n`);
  const listedNow = await invokeResolver<{ jobs: JobView[] }>(sb, 'admin', { key: 'listJobs', accountId: DEMO_ADMIN });
  watchDeliveries(sb, new Map((listedNow.ok ? listedNow.data.jobs : jobs).map((j) => [j.jobId, j.state])));
  setInterval(() => {
    sb.pickupRound().then(
      (round) => {
        if (round.pickedUp > 0) console.log(`[${new Date().toISOString()}] pick-up: ${round.pickedUp} run(s) started in Testsigma picked up`);
      },
      (err: unknown) => console.error(`(pick-up round failed: ${String(err)})`),
    );
  }, PICKUP_EVERY_MS).unref();
  await new Promise(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  },
);
